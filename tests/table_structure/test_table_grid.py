"""Segments → grid: tiny JSON fixtures (tests/table_structure/data/grid_*.json) with known merges."""

from __future__ import annotations

import math

import pytest
from table_structure_helpers import DATA, cell_tuples, fixture_tables, load_fixture

from budgetdoc.table_structure.grid import GridOptions, Rule, build_table, segments_to_tables
from budgetdoc.table_structure.lines import Segment

FIXTURES = sorted(p.name for p in DATA.glob("grid_*.json"))


def test_fixtures_present() -> None:
    assert len(FIXTURES) >= 4


@pytest.mark.parametrize("name", FIXTURES)
def test_fixture_grid(name: str) -> None:
    fx = load_fixture(name)
    want = fx["expected"]
    tables = fixture_tables(fx)
    assert len(tables) == 1
    t = tables[0]
    assert (t.num_rows, t.num_cols) == (want["num_rows"], want["num_cols"])
    assert t.row_edges == pytest.approx(want["row_edges"], abs=0.5)
    assert t.col_edges == pytest.approx(want["col_edges"], abs=0.5)
    assert t.open_edges == want["open_edges"]
    assert cell_tuples(t) == want["cells"]
    # boxes follow the grid lines
    for c in t.cells:
        assert c.bbox_px == pytest.approx((t.col_edges[c.col], t.row_edges[c.row], t.col_edges[c.col_end],
                                           t.row_edges[c.row_end]), abs=0.01)


@pytest.mark.parametrize("name", FIXTURES)
@pytest.mark.parametrize("skew", [-1.0, 0.6])
def test_fixture_grid_skewed(name: str, skew: float) -> None:
    """The same segments rotated as on a skewed scan: the same cells, quads turned with the page."""
    fx = load_fixture(name)
    flat = fixture_tables(fx)[0]
    t = fixture_tables(fx, skew_deg=skew)[0]
    assert cell_tuples(t) == fx["expected"]["cells"]
    assert t.row_edges == pytest.approx(flat.row_edges, abs=0.5)
    c = t.cells[0]
    (x0, y0), (x1, y1) = c.quad_px[0], c.quad_px[1]
    assert math.degrees(math.atan2(y1 - y0, x1 - x0)) == pytest.approx(skew, abs=0.05)
    # the axis-aligned box holds the quad
    l, tt, r, b = c.bbox_px
    assert all(l - 1e-6 <= x <= r + 1e-6 and tt - 1e-6 <= y <= b + 1e-6 for x, y in c.quad_px)


def test_to_cell_grid_validates_and_carries_texts() -> None:
    t = fixture_tables(load_fixture("grid_two_level_header.json"))[0]
    g = t.to_cell_grid(texts={(0, 0): "项目", (0, 1): "金额"}, header_rows=2, dpi=72, page=3)
    assert (g.num_rows, g.num_cols, g.header_rows) == (4, 3, 2)
    assert g.grid[0] == ["项目", "金额", "金额"]
    assert g.grid[1][0] == "项目"
    assert [h.text for h in g.header] == ["项目", "金额"]
    first = g.cells[0]
    assert first.provenance is not None and first.provenance.page == 3
    assert first.provenance.bbox is not None and first.provenance.bbox.l == pytest.approx(100)


def test_missing_inner_rule_merges_slots() -> None:
    """Coverage below ``cover_min`` on a slot side merges the two slots."""
    fx = load_fixture("grid_open_bottom.json")
    fx["vertical"][1] = [200, 100, 200, 120]  # x=200 present over 20 of row 0's 30 px only
    t = fixture_tables(fx)[0]
    spans = {(c.row, c.col): (c.row_span, c.col_span) for c in t.cells}
    assert spans[(0, 0)] == (1, 1)  # 20/30 covered: still a border
    assert spans[(1, 0)] == (1, 2) and spans[(2, 0)] == (1, 2)
    stricter = segments_to_tables(
        [Segment(x0=a, y0=b, x1=c, y1=d, orientation="h") for a, b, c, d in fx["horizontal"]],
        [Segment(x0=a, y0=b, x1=c, y1=d, orientation="v") for a, b, c, d in fx["vertical"]],
        width=fx["width"], height=fx["height"], dpi=72, options=GridOptions(cover_min=0.8))[0]
    # 20/30 < 0.8: x=200 bounds no cell any more, so it is no grid line either
    assert stricter.num_cols == 2 and stricter.col_edges == pytest.approx([100, 300, 400])


def test_open_top_edge_closed() -> None:
    """A table continued from the previous page: verticals start above the first rule."""
    region = [Rule("h", 140, 100, 400), Rule("h", 170, 100, 400)] + [Rule("v", x, 100, 170) for x in (100, 250, 400)]
    t = build_table(region, dpi=72)
    assert t is not None
    assert t.open_edges == ["top"]
    assert t.row_edges == pytest.approx([100, 140, 170])
    assert len(t.cells) == 4


def test_open_sides_optional() -> None:
    """Horizontal rules running past the outer verticals (an open side) make a virtual vertical."""
    region = [Rule("h", y, 60, 400) for y in (100, 130, 160)] + [Rule("v", x, 100, 160) for x in (100, 250, 400)]
    t = build_table(region, dpi=72)
    assert t is not None and t.open_edges == ["left"] and t.num_cols == 3
    t2 = build_table(region, dpi=72, options=GridOptions(close_sides=False))
    assert t2 is not None and t2.open_edges == [] and t2.num_cols == 2


def test_non_rectangular_merge_split_into_rectangles() -> None:
    """An L-shaped merged region (a rule missing in one slot only) is split into rectangles, not lost."""
    hs = [Rule("h", y, 100, 400) for y in (100, 200)] + [Rule("h", 150, 100, 250)]
    vs = [Rule("v", x, 100, 200) for x in (100, 400)] + [Rule("v", 250, 100, 150)]
    t = build_table(hs + vs, dpi=72)
    assert t is not None
    # slots: (0,0) | (0,1) split by x=250 over row 0; row 1 has no x=250 and (0,1)/(1,1) no rule at y=150
    covered = sum(c.row_span * c.col_span for c in t.cells)
    assert covered == t.num_rows * t.num_cols == 4
    t.to_cell_grid()  # no overlap


def test_small_network_is_not_a_table() -> None:
    """Strokes of a big bold title can close a tiny box: too low and narrow to be a table."""
    region = [Rule("h", y, 757, 896) for y in (240, 254, 272)] + [Rule("v", x, 240, 272) for x in (757, 786, 896)]
    assert build_table(region, dpi=200) is None


def test_no_perpendicular_rules_no_table() -> None:
    hs = [Segment(x0=100, y0=y, x1=400, y1=y, orientation="h") for y in (100, 130)]
    assert segments_to_tables(hs, [], width=500, height=300, dpi=72) == []
