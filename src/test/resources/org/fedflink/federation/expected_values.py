#!/usr/bin/env python3
"""Reference arithmetic for the expected numbers of the federation/ strategy tests.

Plain Python (no numpy), written straight from the papers' formulas and independent of the Java
code, so the tests compare two implementations. Run: python3 expected_values.py
Each block prints the values pasted into the named test.
"""
import math


def fed_adam_step(d, eta, b1, b2, tau, rnd, bias_correction, m=None, v=None):
    """Reddi et al. 2021 Algorithm 2 (FedAdam), Flower's bias correction (exponent round+1)."""
    m = m or [0.0] * len(d)
    v = v or [0.0] * len(d)
    m = [b1 * mi + (1 - b1) * di for mi, di in zip(m, d)]
    v = [b2 * vi + (1 - b2) * di * di for vi, di in zip(v, d)]
    rate = eta
    if bias_correction:
        rate = eta * math.sqrt(1 - b2 ** (rnd + 1)) / (1 - b1 ** (rnd + 1))
    step = [rate * mi / (math.sqrt(vi) + tau) for mi, vi in zip(m, v)]
    return step, m, v


def fed_yogi_step(d, eta, b1, b2, tau, m, v):
    sign = lambda x: (x > 0) - (x < 0)
    m = [b1 * mi + (1 - b1) * di for mi, di in zip(m, d)]
    v = [vi - (1 - b2) * di * di * sign(vi - di * di) for vi, di in zip(v, d)]
    step = [eta * mi / (math.sqrt(vi) + tau) for mi, vi in zip(m, v)]
    return step, m, v


def krum_scores(points, f):
    r = len(points)
    k = min(max(1, r - f - 2), r - 1)
    dist = lambda a, b: sum((x - y) ** 2 for x, y in zip(a, b))
    return [sum(sorted(dist(p, q) for j, q in enumerate(points) if j != i)[:k]) for i, p in enumerate(points)]


def bulyan(points, f):
    remaining = list(range(len(points)))
    selected = []
    theta = len(points) - 2 * f
    while len(selected) < theta:
        scores = krum_scores([points[i] for i in remaining], f)
        best = min(range(len(remaining)), key=lambda j: (scores[j], j))
        selected.append(remaining.pop(best))
    beta = theta - 2 * f
    out = []
    for c in range(len(points[0])):
        col = [points[i][c] for i in selected]
        s = sorted(col)
        med = s[len(s) // 2] if len(s) % 2 else (s[len(s) // 2 - 1] + s[len(s) // 2]) / 2
        order = sorted(range(len(col)), key=lambda j: (abs(col[j] - med), j))
        out.append(sum(col[j] for j in order[:beta]) / beta)
    return selected, out


print("FedAdam one step, d = [2, -1], eta 0.1, betas 0.9/0.99, tau 0.1")
print("  bias-corrected:", fed_adam_step([2, -1], 0.1, 0.9, 0.99, 0.1, 1, True)[0])
print("  uncorrected:   ", fed_adam_step([2, -1], 0.1, 0.9, 0.99, 0.1, 1, False)[0])
s1, m1, v1 = fed_adam_step([2, -1], 0.1, 0.9, 0.99, 0.1, 1, True)
print("  second round d = [0.5, 0.05]:", fed_adam_step([0.5, 0.05], 0.1, 0.9, 0.99, 0.1, 2, True, m1, v1)[0])

print("FedYogi, d = [2, -1] then [0.5, 0.05], eta 0.1, betas 0.9/0.99, tau 0.1")
y1, m, v = fed_yogi_step([2, -1], 0.1, 0.9, 0.99, 0.1, [0, 0], [0, 0])
print("  step 1:", y1, "v:", v)
y2, m, v = fed_yogi_step([0.5, 0.05], 0.1, 0.9, 0.99, 0.1, m, v)
print("  step 2:", y2, "m:", m, "v:", v)

print("Bulyan f = 1 on 7 two-dimensional updates")
pts = [[0.0, 5.0], [1.0, -3.0], [2.5, 1.0], [3.0, 0.0], [4.2, 2.0], [100.0, 0.5], [-100.0, 9.0]]
print("  selection and result:", bulyan(pts, 1))

print("Krum f = 1 scores of [50,-7],[0,7],[1,7],[1.5,7],[4,7]:",
      krum_scores([[50, -7], [0, 7], [1, 7], [1.5, 7], [4, 7]], 1))
