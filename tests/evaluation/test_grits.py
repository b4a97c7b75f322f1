"""GriTS-Con: LCS, alignment against a loop-by-loop reference, hand-computed scores, inputs."""

from __future__ import annotations

import random
import re
import time
from pathlib import Path

import pytest

from budgetdoc.evaluation.grits import GritsResult, grits_con, html_to_grid, lcs_length, lcs_similarity
from budgetdoc.evaluation.teds import pairwise
from budgetdoc.export.html import grid_to_html
from budgetdoc.model.document import CellGrid, TableCell

SAMPLES = Path(__file__).resolve().parents[2] / "datasets" / "samples"


# --------------------------------------------------------------------------------------------------
# references written out plainly


def naive_lcs(a: str, b: str) -> int:
    prev = [0] * (len(b) + 1)
    for ca in a:
        cur = [0]
        for j, cb in enumerate(b, 1):
            cur.append(prev[j - 1] + 1 if ca == cb else max(prev[j], cur[j - 1]))
        prev = cur
    return prev[-1]


def naive_f(a: str, b: str) -> float:
    return 1.0 if not a and not b else 2 * naive_lcs(a, b) / (len(a) + len(b))


def reference_align(n: int, m: int, reward) -> tuple[list[int], list[int], float]:
    """The GriTS paper code's 1-D DP with its traceback (diagonal, then up, then left)."""
    scores = [[0.0] * (m + 1) for _ in range(n + 1)]
    ptr = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(1, n + 1):
        ptr[i][0] = -1
    for j in range(1, m + 1):
        ptr[0][j] = 1
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            diag = scores[i - 1][j - 1] + reward(i - 1, j - 1)
            same_row, same_col = scores[i][j - 1], scores[i - 1][j]
            best = max(diag, same_col, same_row)
            scores[i][j] = best
            ptr[i][j] = 0 if diag == best else (-1 if same_col == best else 1)
    xs, ys = [], []
    i, j = n, m
    while i or j:
        if ptr[i][j] == -1:
            i -= 1
        elif ptr[i][j] == 1:
            j -= 1
        else:
            i, j = i - 1, j - 1
            xs.append(i)
            ys.append(j)
    return xs[::-1], ys[::-1], scores[n][m]


def reference_grits(pred: list[list[str]], gt: list[list[str]]) -> tuple[float, float, float]:
    """Factored 2D-MSS as in the paper's published code, loop by loop (precision, recall, F)."""
    R, C, r, c = len(gt), len(gt[0]), len(pred), len(pred[0])

    def f(ti, tk, pi, pk):
        return naive_f(gt[ti][tk], pred[pi][pk])

    def inner_rows(ti, pi):
        return reference_align(C, c, lambda a, b: f(ti, a, pi, b))[2]

    def inner_cols(tk, pk):
        return reference_align(R, r, lambda a, b: f(a, tk, b, pk))[2]

    t_rows, p_rows, _ = reference_align(R, r, inner_rows)
    t_cols, p_cols, _ = reference_align(C, c, inner_cols)
    score = sum(f(ti, tk, pi, pk) for ti, pi in zip(t_rows, p_rows) for tk, pk in zip(t_cols, p_cols))
    return score / (r * c), score / (R * C), 2 * score / (r * c + R * C)


def random_grid(rng: random.Random, rows: int, cols: int) -> list[list[str]]:
    return [["".join(rng.choice("12a.") for _ in range(rng.randint(0, 4))) for _ in range(cols)]
            for _ in range(rows)]


# --------------------------------------------------------------------------------------------------
# LCS and the similarity


def test_lcs_matches_plain_dp() -> None:
    rng = random.Random(1)
    for _ in range(400):
        a = "".join(rng.choice("ab一二.") for _ in range(rng.randint(0, 12)))
        b = "".join(rng.choice("ab一二.") for _ in range(rng.randint(0, 12)))
        assert lcs_length(a, b) == naive_lcs(a, b), (a, b)
        assert lcs_similarity(a, b) == pytest.approx(naive_f(a, b))
    long_a = "".join(rng.choice("0123456789") for _ in range(150))
    long_b = long_a[:70] + "x" + long_a[75:] + "12"
    assert lcs_length(long_a, long_b) == naive_lcs(long_a, long_b)


def test_pairwise_matches_scalar_functions() -> None:
    # the numpy path (1..64 characters) and the one-by-one path (empty, > 64) agree with plain DP
    rng = random.Random(2)
    lengths = [0, 1, 2, 5, 13, 63, 64, 65, 90]
    a = ["".join(rng.choice("ab一.3") for _ in range(rng.choice(lengths))) for _ in range(25)]
    b = ["".join(rng.choice("ab一.3") for _ in range(rng.choice(lengths))) for _ in range(30)]
    lcs = pairwise(a, b, "lcs")
    for i, x in enumerate(a):
        for j, y in enumerate(b):
            assert lcs[i, j] == pytest.approx(naive_f(x, y)), (x, y)


def test_lcs_similarity_values() -> None:
    assert lcs_similarity("", "") == 1.0
    assert lcs_similarity("12", "") == 0.0
    assert lcs_similarity("389.23", "389.28") == pytest.approx(2 * 5 / 12)
    assert lcs_similarity("一般公共预算", "一般公共") == pytest.approx(2 * 4 / 10)


# --------------------------------------------------------------------------------------------------
# hand-computed scores


def test_identical_grids() -> None:
    grid = [["项目", "金额"], ["一般公共预算", "389.23"]]
    assert grits_con(pred=grid, gt=grid) == GritsResult(1.0, 1.0, 1.0)
    assert grits_con(pred=[["", ""]], gt=[["", ""]]) == GritsResult(1.0, 1.0, 1.0)  # blank matches blank


def test_one_wrong_cell() -> None:
    gt = [["a", "b"], ["c", "12"]]
    # "12" -> "x": f = 0, the other 3 slots match: S = 3 of 4 slots
    assert grits_con(pred=[["a", "b"], ["c", "x"]], gt=gt) == pytest.approx((0.75, 0.75, 0.75))
    # "12" -> "13": LCS 1, f = 2·1/4 = 0.5: S = 3.5, every score 3.5/4
    assert grits_con(pred=[["a", "b"], ["c", "13"]], gt=gt) == pytest.approx((0.875, 0.875, 0.875))


def test_dropped_row_and_swap() -> None:
    gt = [["a", "1"], ["b", "2"], ["c", "3"]]
    pred = [["a", "1"], ["b", "2"]]
    # 4 pred slots all matched: S = 4. precision 4/4, recall 4/6, F = 2·4/(4 + 6) = 0.8
    result = grits_con(pred=pred, gt=gt)
    assert result == pytest.approx((1.0, 4 / 6, 0.8))
    # swapping the arguments swaps precision and recall
    swapped = grits_con(pred=gt, gt=pred)
    assert swapped == pytest.approx((4 / 6, 1.0, 0.8))
    assert (swapped.precision, swapped.recall) == pytest.approx((result.recall, result.precision))


def test_shifted_column_is_realigned() -> None:
    gt = [["a", "b", "c"], ["d", "e", "f"]]
    pred = [["", "a", "b"], ["", "d", "e"]]
    # columns align gt 0,1 <-> pred 1,2: a,b,d,e match (S = 4); 6 slots each: 4/6
    assert grits_con(pred=pred, gt=gt) == pytest.approx((4 / 6, 4 / 6, 4 / 6))


def test_split_merged_cell() -> None:
    merged = CellGrid(num_rows=2, num_cols=2, header_rows=1, cells=[
        TableCell(text="收入", row=0, col=0, col_span=2, column_header=True),
        TableCell(text="1", row=1, col=0), TableCell(text="2", row=1, col=1)])
    split = CellGrid(num_rows=2, num_cols=2, header_rows=1, cells=[
        TableCell(text="收入", row=0, col=0, column_header=True), TableCell(text="", row=0, col=1, column_header=True),
        TableCell(text="1", row=1, col=0), TableCell(text="2", row=1, col=1)])
    # gt slots: [收入, 收入], [1, 2]; pred: [收入, ""], [1, 2]: 3 of 4 slots match
    assert grits_con(pred=split, gt=merged) == pytest.approx((0.75, 0.75, 0.75))
    assert grits_con(pred=merged, gt=grid_to_html(merged)) == GritsResult(1.0, 1.0, 1.0)


def test_html_input_expands_spans() -> None:
    html = ('<table><thead><tr><td rowspan="2">科目</td><td colspan="2">金额</td></tr>'
            "<tr><td>基本</td><td>项目</td></tr></thead><tbody><tr><td>201</td><td>6</td></tr></tbody></table>")
    assert html_to_grid(html) == [["科目", "金额", "金额"], ["科目", "基本", "项目"], ["201", "6", ""]]


def test_ragged_rows_are_padded_and_text_normalised() -> None:
    assert grits_con(pred=[["a", "１"], ["b"]], gt=[["a", "1"], ["b", ""]]) == GritsResult(1.0, 1.0, 1.0)


def test_keyword_only() -> None:
    with pytest.raises(TypeError):
        grits_con([["a"]], [["a"]])  # type: ignore[misc]


@pytest.mark.parametrize("empty", [None, [], [[]], [[], []], "", "<p>none</p>", CellGrid()])
def test_empty_cases(empty) -> None:
    assert grits_con(pred=empty, gt=[]) == GritsResult(1.0, 1.0, 1.0)
    assert grits_con(pred=empty, gt=[["a"]]) == GritsResult(0.0, 0.0, 0.0)
    assert grits_con(pred=[["a"]], gt=empty) == GritsResult(0.0, 0.0, 0.0)


# --------------------------------------------------------------------------------------------------
# against the loop-by-loop reference


def test_matches_reference_on_random_grids() -> None:
    rng = random.Random(8)
    for _ in range(60):
        gt = random_grid(rng, rng.randint(1, 5), rng.randint(1, 4))
        pred = random_grid(rng, rng.randint(1, 5), rng.randint(1, 4))
        if rng.random() < 0.5:  # a perturbed copy, closer to real use
            pred = [row[:] for row in gt]
            if len(pred) > 1 and rng.random() < 0.5:
                del pred[rng.randrange(len(pred))]
            pred[0][rng.randrange(len(pred[0]))] = "2a"
        assert tuple(grits_con(pred=pred, gt=gt)) == pytest.approx(reference_grits(pred, gt), abs=1e-12)


# --------------------------------------------------------------------------------------------------
# real sample and speed


def test_real_sample_and_speed() -> None:
    path = SAMPLES / "seed-clean" / "tables" / "t01.html"
    if not path.exists():
        pytest.skip("sample table not present")
    gt = path.read_text(encoding="utf-8")
    pred = gt.replace("389.23", "389.28", 1)
    pred = pred.replace(re.findall(r"<tr>.*?</tr>", pred)[5], "", 1)  # a dropped body row
    assert grits_con(pred=gt, gt=gt) == GritsResult(1.0, 1.0, 1.0)
    start = time.perf_counter()
    result = grits_con(pred=pred, gt=gt)
    elapsed = time.perf_counter() - start
    assert 0.9 < result.f1 < 1.0 and result.precision > result.recall
    assert elapsed < 3.0  # typically a few hundredths of a second


def test_speed_on_a_large_grid() -> None:
    rng = random.Random(5)
    gt = [[f"{rng.randint(0, 99999)}.{rng.randint(0, 99):02d}" if k else f"项目{r}名称" for k in range(8)]
          for r in range(50)]
    pred = [row[:] for row in gt[:20] + gt[21:]]
    pred[3][4] = pred[3][4][:-1] + "9"
    start = time.perf_counter()
    result = grits_con(pred=pred, gt=gt)
    elapsed = time.perf_counter() - start
    assert result.precision > 0.99 and result.recall == pytest.approx(result.precision * 49 / 50)
    assert elapsed < 3.0
