"""Merge the slots of a ruled grid into cells: one pure step shared by every grid builder.

Given which grid-line pieces are drawn, slots not separated by a drawn rule belong to the same cell;
slots that reach the outside through a missing outer rule belong to no cell.
"""

from __future__ import annotations

from collections.abc import Callable


def merged_slot_groups(
    num_rows: int,
    num_cols: int,
    v_present: Callable[[int, int], bool],
    h_present: Callable[[int, int], bool],
) -> list[list[tuple[int, int]]]:
    """Groups of ``(row, col)`` slots that form one cell each (union-find over missing rules).

    ``v_present(k, r)``: vertical grid line ``k`` (0..num_cols) is drawn over row slot ``r``;
    ``h_present(k, c)``: horizontal grid line ``k`` (0..num_rows) is drawn over column slot ``c``.
    Groups open to the outside are dropped; groups come in row-major order of their first slot.
    """
    outside = num_rows * num_cols
    parent = list(range(outside + 1))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(a: int, b: int) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[ra] = rb

    for r in range(num_rows):
        for c in range(num_cols):
            i = r * num_cols + c
            if c + 1 < num_cols and not v_present(c + 1, r):
                union(i, i + 1)
            if r + 1 < num_rows and not h_present(r + 1, c):
                union(i, i + num_cols)
            if (c == 0 and not v_present(0, r)) or (c == num_cols - 1 and not v_present(num_cols, r)):
                union(i, outside)
            if (r == 0 and not h_present(0, c)) or (r == num_rows - 1 and not h_present(num_rows, c)):
                union(i, outside)
    groups: dict[int, list[tuple[int, int]]] = {}
    out_root = find(outside)
    for r in range(num_rows):
        for c in range(num_cols):
            root = find(r * num_cols + c)
            if root != out_root:
                groups.setdefault(root, []).append((r, c))
    return list(groups.values())
