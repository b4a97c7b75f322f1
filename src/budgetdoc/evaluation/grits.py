"""GriTS-Con: grid table similarity on cell content (Smock, Pesala & Abraham 2023).

"GriTS: Grid table similarity metric for table structure recognition". Both tables are read as
grids of slots (a merged cell's text repeated in every slot it covers). The factored 2-D most
similar substructures (2D-MSS) heuristic aligns them:

1. for every pair of rows (gt row i, pred row j), the 1-D alignment score of their slots is the
   best order-preserving matching of columns, maximising the summed similarity ``f``;
2. the rows are aligned by the same dynamic programme, with (1) as the reward of a row pair;
3. the columns are aligned likewise on the transposed grids;
4. the score ``S`` sums ``f`` over every slot pair at an aligned row pair × aligned column pair.

``precision = S / |pred slots|``, ``recall = S / |gt slots|``, ``F = 2·S / (|pred| + |gt|)``.
For GriTS-Con the similarity of two slot texts is ``f(a, b) = 2·LCS(a, b) / (|a| + |b|)`` with the
longest common subsequence of characters (1 when both are empty), computed exactly (the
reference code uses difflib's matching blocks, an approximation of the LCS). Texts are compared
after :func:`budgetdoc.evaluation.teds.normalize_text` (NFKC, whitespace runs → one space,
stripped). Ties in the alignments are broken as the reference code does (diagonal, then skip a gt
entry, then skip a pred entry).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np

from budgetdoc.evaluation.teds import html_to_tree, lcs_length, lcs_similarity, normalize_text, pairwise
from budgetdoc.model.document import CellGrid

__all__ = ["GritsResult", "grits_con", "html_to_grid", "lcs_length", "lcs_similarity"]


class GritsResult(NamedTuple):
    """GriTS precision, recall and F-score, each in [0, 1]."""

    precision: float
    recall: float
    f1: float


def html_to_grid(html: str) -> list[list[str]]:
    """The slot grid of the first ``<table>`` in ``html``: spans expanded, merged text repeated.

    Cells are placed left to right in the first free slot of their row (the HTML table model);
    rows are padded with ``""`` to the widest row.
    """
    tree = html_to_tree(html)
    if tree is None:
        return []
    rows = []
    stack = [tree]
    while stack:  # rows in document order
        node = stack.pop()
        if node.tag == "tr":
            rows.append(node)
        else:
            stack.extend(reversed(node.children))
    taken: dict[tuple[int, int], str] = {}
    n_rows = len(rows)
    for r, tr in enumerate(rows):
        k = 0
        for td in tr.children:
            if td.tag != "td":
                continue
            while (r, k) in taken:
                k += 1
            for dr in range(td.rowspan):
                for dk in range(td.colspan):
                    taken[(r + dr, k + dk)] = td.text
            n_rows = max(n_rows, r + td.rowspan)
            k += td.colspan
    n_cols = max((k for _, k in taken), default=-1) + 1
    return [[taken.get((r, k), "") for k in range(n_cols)] for r in range(n_rows)]


def _as_grid(table: Sequence[Sequence[str]] | CellGrid | str | None) -> list[list[str]]:
    if table is None:
        return []
    if isinstance(table, str):
        rows: Sequence[Sequence[str]] = html_to_grid(table)
    elif isinstance(table, CellGrid):
        rows = table.grid
    else:
        rows = table  # type: ignore[assignment]
    width = max((len(r) for r in rows), default=0)
    return [[normalize_text(str(t or "")) for t in r] + [""] * (width - len(r)) for r in rows]


def _similarities(gt: list[list[str]], pred: list[list[str]]) -> np.ndarray:
    """``f`` for every slot pair: array [gt row, gt col, pred row, pred col]."""
    u_gt, inv_gt = np.unique(np.array([t for r in gt for t in r], dtype=object), return_inverse=True)
    u_pr, inv_pr = np.unique(np.array([t for r in pred for t in r], dtype=object), return_inverse=True)
    sim = pairwise(list(u_gt), list(u_pr), "lcs")
    full = sim[np.ix_(inv_gt.ravel(), inv_pr.ravel())]
    return full.reshape(len(gt), len(gt[0]), len(pred), len(pred[0]))


def _inner_scores(reward: np.ndarray) -> np.ndarray:
    """1-D alignment scores of every (gt row, pred row) pair; ``reward`` is [gi, gk, pj, pk].

    The column DP runs once, vectorised over all row pairs: ``S[a, b]`` is the best score of the
    first ``a`` gt columns against the first ``b`` pred columns.
    """
    n_g, k_g, n_p, k_p = reward.shape
    prev = [np.zeros((n_g, n_p)) for _ in range(k_p + 1)]
    for a in range(1, k_g + 1):
        cur = [np.zeros((n_g, n_p))]
        for b in range(1, k_p + 1):
            best = np.maximum(prev[b - 1] + reward[:, a - 1, :, b - 1], prev[b])
            np.maximum(best, cur[b - 1], out=best)
            cur.append(best)
        prev = cur
    return prev[k_p]


def _align(scores: np.ndarray) -> tuple[list[tuple[int, int]], float]:
    """Order-preserving alignment of two sequences maximising the summed pair ``scores``.

    Returns the aligned (gt, pred) index pairs and the best total. Ties: diagonal first, then
    skip a gt entry, then skip a pred entry (the reference traceback convention).
    """
    n, m = scores.shape
    s = [[0.0] * (m + 1) for _ in range(n + 1)]
    ptr = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(1, n + 1):
        ptr[i][0] = -1
    for j in range(1, m + 1):
        ptr[0][j] = 1
    rows = scores.tolist()
    for i in range(1, n + 1):
        si, sp, ri, pi = s[i], s[i - 1], rows[i - 1], ptr[i]
        for j in range(1, m + 1):
            diag = sp[j - 1] + ri[j - 1]
            up = sp[j]
            left = si[j - 1]
            best = max(diag, up, left)
            si[j] = best
            pi[j] = 0 if diag == best else (-1 if up == best else 1)
    pairs = []
    i, j = n, m
    while i > 0 or j > 0:
        p = ptr[i][j]
        if p == -1:
            i -= 1
        elif p == 1:
            j -= 1
        else:
            i, j = i - 1, j - 1
            pairs.append((i, j))
    pairs.reverse()
    return pairs, s[n][m]


def grits_con(
    *,
    pred: Sequence[Sequence[str]] | CellGrid | str | None,
    gt: Sequence[Sequence[str]] | CellGrid | str | None,
) -> GritsResult:
    """GriTS-Con of a predicted table against the ground truth.

    ``pred`` and ``gt`` are grids of slot texts (rows of strings; ragged rows are padded with
    ``""``), :class:`~budgetdoc.model.CellGrid` objects (their ``grid``: merged text repeated) or
    HTML strings (see :func:`html_to_grid`). Swapping them swaps precision and recall.

    Empty inputs: a grid is *empty* when it has no slot (no rows, or rows of length 0; ``None``;
    HTML without a table). Both empty → (1.0, 1.0, 1.0); exactly one empty → (0.0, 0.0, 0.0).
    A grid of blank slots is not empty: blank matches blank with similarity 1.
    """
    g, p = _as_grid(gt), _as_grid(pred)
    n_g = len(g) * (len(g[0]) if g else 0)
    n_p = len(p) * (len(p[0]) if p else 0)
    if n_g == 0 and n_p == 0:
        return GritsResult(1.0, 1.0, 1.0)
    if n_g == 0 or n_p == 0:
        return GritsResult(0.0, 0.0, 0.0)
    if g == p:
        return GritsResult(1.0, 1.0, 1.0)
    reward = _similarities(g, p)  # [gi, gk, pj, pk]
    row_pairs, _ = _align(_inner_scores(reward))
    col_pairs, _ = _align(_inner_scores(reward.transpose(1, 0, 3, 2)))
    if row_pairs and col_pairs:
        gi, pj = (np.array(v) for v in zip(*row_pairs))
        gk, pk = (np.array(v) for v in zip(*col_pairs))
        score = float(reward[gi[:, None], gk[None, :], pj[:, None], pk[None, :]].sum())
    else:
        score = 0.0
    return GritsResult(score / n_p, score / n_g, 2.0 * score / (n_p + n_g))
