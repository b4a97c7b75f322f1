"""Tests for budgetdoc.parsing.narrative: sections by heading, stated figures with kind, value, unit
and label, on real sentences (the seed, the born-digital PDFs in ../shared/real) and on the
generator's text, and amounts round-tripping through printed text."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from budgetdoc.evaluation.narrative import (
    figure_differences,
    figure_scores,
    figure_value_scores,
    labels_match,
)
from budgetdoc.model.io import load_document
from budgetdoc.parsing.narrative import (
    NarrativeLine,
    find_figures,
    heading_of,
    is_toc_line,
    sections_from_lines,
    sections_from_text,
    split_sections,
    stated_figures,
)

SAMPLES = Path(__file__).resolve().parents[2] / "datasets" / "samples"


def _rows(text: str, **kw) -> list[tuple[str, str, str | None, str | None]]:
    return [(f.kind, str(f.value), f.unit, f.label) for f in stated_figures(text, **kw)]


# --------------------------------------------------------------------------------------------------
# real sentences

SEED_DEPT = "晋城经济技术开发区行政审批局"


def test_seed_change_sentence_labels_the_total_the_change_is_about():
    text = ("2026年度晋城经济技术开发区行政审批局预算收入总计389.23万元，其中：本年收入389.23万元，上年结转0万元，"
            "比上年增长35.12万元，增长9.92%，主要原因是本年度项目资金预算较上年增加；本年部门预算支出总计389.23万元，"
            "其中：本年预算安排389.23万元，上年结转0万元，比上年增长35.12万元，增长9.92%，主要原因是本年度项目资金预算较上年增加。")
    assert _rows(text, departments=[SEED_DEPT]) == [
        ("amount", "389.23", "万元", "预算收入总计"),
        ("amount", "389.23", "万元", "本年收入"),
        ("amount", "0", "万元", "上年结转"),
        ("change_amount", "35.12", "万元", "预算收入总计"),
        ("change_percent", "9.92", "%", "预算收入总计"),
        ("amount", "389.23", "万元", "部门预算支出总计"),
        ("amount", "389.23", "万元", "本年预算安排"),
        ("amount", "0", "万元", "上年结转"),
        ("change_amount", "35.12", "万元", "部门预算支出总计"),
        ("change_percent", "9.92", "%", "部门预算支出总计"),
    ]


def test_seed_shares_take_the_label_of_the_amount_before_them():
    text = ("2026年度晋城经济技术开发区行政审批局支出预算389.23万元，其中：基本支出200.14万元，占51.42%；"
            "项目支出189.09万元，占48.58%。")
    assert _rows(text) == [  # no department given: the place + office rule strips it
        ("amount", "389.23", "万元", "支出预算"),
        ("amount", "200.14", "万元", "基本支出"), ("share", "51.42", "%", "基本支出"),
        ("amount", "189.09", "万元", "项目支出"), ("share", "48.58", "%", "项目支出"),
    ]


def test_seed_counts_thresholds_and_areas():
    assert _rows("本级单位由综合办公室、项目审批科、政务服务科、营商环境科、改革创新科、准入准营科6个科室构成。") == [
        ("count", "6", "个", "科室")]
    text = ("截至2025年12月31日，晋城经济技术开发区行政审批局共有公务用车编制0辆，实有0辆，其中：领导用车0辆；"
            "晋城经济技术开发区行政审批局使用的办公用房建筑总面积92平方米。晋城经济技术开发区行政审批局占有使用"
            "价值50万元（原值）以上的通用设备0台（套）。")
    assert _rows(text, departments=[SEED_DEPT]) == [
        ("count", "0", "辆", "公务用车编制"), ("count", "0", "辆", "实有"), ("count", "0", "辆", "领导用车"),
        ("other", "92", "平方米", "办公用房建筑总面积"),
        ("count", "0", "台（套）", "价值50万元（原值）以上的通用设备"),  # 50万元 is a threshold, not a figure
    ]


def test_jiangsu_2018_sentences():
    # jiangsu-gaoyuan-2018-budget.pdf pages 17-19 (text layer, spaces and line breaks as printed)
    text = ("一般公共预算收入预算33172.15万元，与上年相比增加4322.77\n万元，增长 14.98%。主要原因是基本支出增加机关事业单位养老保\n"
            "险、职业年金缴费等 1447.63 万元、项目经费支出安排减少江苏法\n院云平台租赁费 200 万元、单位预留机动经费增加 3075.14 万元。")
    assert _rows(text) == [
        ("amount", "33172.15", "万元", "一般公共预算收入预算"),
        ("change_amount", "4322.77", "万元", "一般公共预算收入预算"),
        ("change_percent", "14.98", "%", "一般公共预算收入预算"),
        ("amount", "1447.63", "万元", "职业年金缴费等"),  # the 增加 is in an earlier clause
        ("change_amount", "-200", "万元", "江苏法院云平台租赁费"),
        ("change_amount", "3075.14", "万元", "单位预留机动经费"),
    ]
    text = ("2．社会保障和就业（类）支出 2254.76 万元，主要用于离退休人员的经费支出。与上年相比减少 92.37 万元，减少 3.94%。")
    assert _rows(text) == [
        ("amount", "2254.76", "万元", "社会保障和就业（类）支出"),
        ("change_amount", "-92.37", "万元", "社会保障和就业（类）支出"),  # subject from the sentence before
        ("change_percent", "-3.94", "%", "社会保障和就业（类）支出"),
    ]
    text = "根据部门职责分工，本部门包括 27 个内设机构、1 个下属差额拨款事业单位和 1 个派出机构，具体包括："
    assert _rows(text) == [("count", "27", "个", "内设机构"), ("count", "1", "个", "下属差额拨款事业单位"),
                           ("count", "1", "个", "派出机构")]
    assert _rows("1．因公出国（境）费预算支出 170 万元，比上年预算减少 10 万元，主要原因是压减出国计划。") == [
        ("amount", "170", "万元", "因公出国（境）费预算支出"), ("change_amount", "-10", "万元", "因公出国（境）费预算支出")]


def test_shanghai_sentences_with_thousands_separators_and_quoted_labels():
    # shanghai-putuo-caizhengju-2025-budget.pdf page 7
    text = ("2025年，上海市普陀区财政局收入预算3,121.42万元，其中：财政拨款收入3,121.42万元，比2024年预算增加\n"
            "107.62万元；事业收入0万元；事业单位经营收入0万元；其他收入0万元。")
    assert _rows(text) == [
        ("amount", "3121.42", "万元", "收入预算"), ("amount", "3121.42", "万元", "财政拨款收入"),
        ("change_amount", "107.62", "万元", "财政拨款收入"),  # one item after 其中: the change is that item's
        ("amount", "0", "万元", "事业收入"), ("amount", "0", "万元", "事业单位经营收入"), ("amount", "0", "万元", "其他收入"),
    ]
    text = "1.“一般公共服务支出（类）财政事务（款）行政运行（项）”1,623.18万元，主要用于局本级及所属单位人员经费。"
    assert _rows(text) == [("amount", "1623.18", "万元", "一般公共服务支出（类）财政事务（款）行政运行（项）")]
    assert _rows("2025年“三公”经费预算数为0.95万元，与2024年预算持平。") == [("amount", "0.95", "万元", "“三公”经费预算数")]
    # shanghai-putuo-shegongbu-2024-final-accounts.pdf pages 17-18 and 21
    text = ("中共上海市普陀区委社会工作部2024年度收入支出总计307.82\n万元。与 2023 年度相比，收入支出总计增加 307.82 万元，增长\n"
            "100.00%。主要原因：单位于 2024 年成立。")
    assert _rows(text) == [("amount", "307.82", "万元", "收入支出总计"),
                           ("change_amount", "307.82", "万元", "收入支出总计"),
                           ("change_percent", "100.00", "%", "收入支出总计")]
    text = ("一般公共预算财政拨款支出 307.82 万元，占本年支出合计的\n100.00%。与 2023 年度相比，一般公共预算财政拨款支出增加 307.82\n"
            "万元，增长 100.00%。")
    assert _rows(text) == [("amount", "307.82", "万元", "一般公共预算财政拨款支出"),
                           ("share", "100.00", "%", "一般公共预算财政拨款支出"),
                           ("change_amount", "307.82", "万元", "一般公共预算财政拨款支出"),
                           ("change_percent", "100.00", "%", "一般公共预算财政拨款支出")]
    text = "编报绩效目标的 2024 年度项目 1 个，涉及预算金额 175.52 万元；绩效评级为“良”的项目 0 个。"
    assert _rows(text) == [("count", "1", "个", "编报绩效目标的2024年度项目"), ("amount", "175.52", "万元", "预算金额"),
                           ("count", "0", "个", "绩效评级为“良”的项目")]


def test_what_is_not_a_stated_figure():
    assert stated_figures("截至2025年12月31日，根据晋财综〔2024〕37号文，第一部分 2026年度部门预算，30101基本工资") == []
    assert stated_figures("中介超市维护费≤2.5万元，单价100万元（含）以上设备，项目周期3个月，在5个工作日内") == []
    assert stated_figures("其他计算机设备及软件68.00台式计算机；30310个人农业生产补贴") == []
    assert _rows("比上年减少 9.52，主要原因是") == []  # no unit printed: nothing to state


# --------------------------------------------------------------------------------------------------
# whole sections


def test_seed_truth_sections_parse_to_the_hand_checked_figures():
    truth = load_document(SAMPLES / "seed-clean" / "truth.json")
    pred, gold = [], []
    for section in truth.sections:
        pred += [f for s in sections_from_text(section.text, departments=[truth.department]) for f in s.figures]
        gold += section.figures
    assert figure_value_scores(pred=pred, gt=gold).f1 == 1.0  # every kind, value and unit
    missed, invented = figure_differences(pred=pred, gt=gold)
    # the truth names 涉及项目金额 by the clause before it (公开项目绩效目标金额): no printed words say so
    assert missed == ["公开项目绩效目标金额: amount 189.09 万元 p19", "公开项目绩效目标金额: share 100 % p19"]
    assert len(invented) == 2


@pytest.mark.parametrize("style", ["shanxi", "jiangsu", "shanghai"])
def test_generated_sections_parse_to_the_figures_the_generator_drew(style):
    from budgetdoc.synth.variants import random_document

    for seed in (3, 11):
        doc = random_document(seed, style=style)
        for section in doc.sections:
            got = [f for s in sections_from_text(section.text, departments=[doc.department]) for f in s.figures]
            # the generator counts an area (平方米) where the seed's truth says other: compare it apart
            area = [(f.value, f.unit) for f in section.figures if f.unit == "平方米"]
            assert [(f.value, f.unit) for f in got if f.kind == "other"] == area
            want = [f for f in section.figures if f.unit != "平方米"]
            got = [f for f in got if f.unit != "平方米"]
            assert figure_scores(pred=got, gt=want).f1 == 1.0, (style, seed, section.heading,
                                                                  figure_differences(pred=got, gt=want))


def test_docstring_examples():
    import doctest

    from budgetdoc.parsing import narrative

    assert doctest.testmod(narrative).failed == 0


def test_headings_parts_and_the_table_of_contents():
    assert heading_of("第三部分 2026年度部门预算情况说明") == ("第三部分", "2026年度部门预算情况说明")
    assert heading_of("十二、其他说明") == (None, "十二、其他说明")
    assert heading_of("七、“三公”经费增减变动原因说明") == (None, "七、“三公”经费增减变动原因说明")
    assert heading_of("一、基本支出：指为保障机构正常运转、完成日常工作任务而发生的人员支出和公用支出。") is None
    assert heading_of("（一）一般公共预算当年支出规模变化情况") is None  # stays in its section's text
    assert heading_of("二、机构设置情况.....\t1") is None and is_toc_line("二、机构设置情况.....\t1")
    text = ("目 录\n第一部分 概况\t1\n一、本部门职责.....\t1\n第一部分 概况\n一、本部门职责\n集中行使行政许可权。\n"
            "二、机构设置情况\n本级单位由综合办公室、准入准营科2个科室构成。\n第三部分 2026年度部门预算情况说明\n"
            "五、一般公共预算支出情况说明\n(一) 一般公共预算当年支出规模变化情况\n一般公共预算当年支出389.23万元,比上年增加35.12万元。\n"
            "第四部分 名词解释\n一、基本支出：指为保障机构正常运转而发生的支出。\n六、财政专户管理资金：\n专指教育收费。")
    secs = sections_from_text(text)
    assert [(s.part, s.heading) for s in secs] == [
        (None, ""), ("第一部分", "一、本部门职责"), ("第一部分", "二、机构设置情况"),
        ("第三部分", "五、一般公共预算支出情况说明"), ("第四部分", "名词解释")] or \
        [(s.part, s.heading) for s in secs] == [
        ("第一部分", "一、本部门职责"), ("第一部分", "二、机构设置情况"),
        ("第三部分", "五、一般公共预算支出情况说明"), ("第四部分", "名词解释")]
    by = {s.heading: s for s in secs}
    assert by["五、一般公共预算支出情况说明"].text.splitlines() == [
        "(一)一般公共预算当年支出规模变化情况", "一般公共预算当年支出389.23万元,比上年增加35.12万元。"]
    assert [(f.kind, f.label) for f in by["五、一般公共预算支出情况说明"].figures] == [
        ("amount", "一般公共预算当年支出"), ("change_amount", "一般公共预算当年支出")]
    assert by["名词解释"].text.splitlines()[-1] == "专指教育收费。" and not by["名词解释"].figures


def test_a_paragraph_wrapped_over_lines_and_pages_keeps_its_figures_and_provenance():
    from budgetdoc.model.geometry import BoundingBox

    def line(text, page, y, **hints):
        return NarrativeLine(text=text, page=page, bbox=BoundingBox(l=54, t=y, r=526, b=y + 12), confidence=0.9,
                             source="ocr", **hints)

    lines = [line("三、支出预算情况说明", 7, 100, runs_on=False),
             line("2018年度某局支出预算234.28万元，其中：基本支出166.88万元，占71.23%；项目支出67.4", 7, 800,
                  starts_paragraph=True, runs_on=True),
             line("0万元，占28.77%。", 8, 60, starts_paragraph=False, runs_on=False)]
    [sec] = sections_from_lines(lines)
    assert sec.pages == [7, 8] and sec.text == "2018年度某局支出预算234.28万元，其中：基本支出166.88万元，占71.23%；项目支出67.40万元，占28.77%。"
    proj, share = sec.figures[-2:]
    assert (proj.label, proj.value, proj.text) == ("项目支出", Decimal("67.40"), "项目支出67.40万元")
    assert proj.provenance.page == 7 and proj.provenance.bbox.t == 800  # boxes on the page the number starts on
    assert (share.provenance.page, share.provenance.raw_text, share.provenance.source) == (8, "占28.77%", "ocr")
    # a heading that runs on to the margin is a sentence, not a heading
    parts = split_sections([NarrativeLine(text="一、基本支出", runs_on=True), NarrativeLine(text="指为保障…")])
    assert [p[1] for p in parts] == [""]


# --------------------------------------------------------------------------------------------------
# property: amounts round-trip through printed text

_LABELS = st.sampled_from(["预算收入总计", "一般公共服务支出", "基本支出", "上年结转", "政府采购服务预算",
                           "“三公”经费", "公共安全（类）支出", "社会保障和就业支出"])


def _printed(value: Decimal, style: str) -> str:
    if style == "comma":
        return f"{value:,.2f}"
    if style == "trim":
        return format(value.normalize(), "f")
    return f"{value:.2f}"


@settings(max_examples=150, deadline=None)
@given(cents=st.integers(min_value=0, max_value=10**11), label=_LABELS, unit=st.sampled_from(["万元", "元", "亿元"]),
       style=st.sampled_from(["plain", "comma", "trim"]), spaced=st.booleans(), cut=st.integers(0, 40),
       pct=st.integers(0, 10000))
def test_amounts_round_trip(cents, label, unit, style, spaced, cut, pct):
    value = Decimal(cents) / 100
    num = _printed(value, style)
    gap = " " if spaced else ""
    share = f"{Decimal(pct) / 100:.2f}"
    sentence = f"2026年度某某市某某局{label}{gap}{num}{gap}{unit}，占{gap}{share}%。"
    # the sentence may be wrapped anywhere (a printed line break inside the number or the unit)
    cut = min(cut, len(sentence))
    lines = [NarrativeLine(text=sentence[:cut], runs_on=True), NarrativeLine(text=sentence[cut:], starts_paragraph=False)]
    for figures in (stated_figures(sentence),
                    [f for s in sections_from_lines([x for x in lines if x.text.strip()]) for f in s.figures]):
        amount, pshare = figures
        assert (amount.kind, amount.value, amount.unit) == ("amount", Decimal(num.replace(",", "")), unit)
        assert labels_match(amount.label, label) and amount.label.replace("“", "").replace("”", "") \
            == label.replace("“", "").replace("”", "")
        assert (pshare.kind, pshare.value, pshare.unit, pshare.label) == ("share", Decimal(share), "%", amount.label)


@settings(max_examples=100, deadline=None)
@given(cents=st.integers(min_value=1, max_value=10**9), up=st.booleans(), pct=st.integers(1, 9999),
       label=_LABELS, n=st.integers(0, 999), measure=st.sampled_from(["个", "家", "辆"]))
def test_changes_are_signed_and_counts_are_whole(cents, up, pct, label, n, measure):
    value = Decimal(cents) / 100
    word, pword = ("增加", "增长") if up else ("减少", "下降")
    p = Decimal(pct) / 100
    text = f"{label}{value}万元，比上年{word}{value}万元，{pword}{p}%；共有公务用车{n}{measure}。"
    amount, change, percent, count = stated_figures(text)
    sign = 1 if up else -1
    assert (change.kind, change.value, change.label) == ("change_amount", sign * value, amount.label)
    assert (percent.kind, percent.value, percent.unit, percent.label) == ("change_percent", sign * p, "%", amount.label)
    assert (count.kind, count.value, count.unit, count.label) == ("count", Decimal(n), measure, "公务用车")
    folded, found = find_figures(text)
    assert [folded[f.number_start:f.end] for f in found] == [f"{value}万元", f"{value}万元", f"{p}%", f"{n}{measure}"]
