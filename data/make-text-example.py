#!/usr/bin/env python3
"""Writes data/text-example.jsonl (and, with "holdout", data/text-example-holdout.jsonl):
short messages about three topics from 8 sources.

Each source writes mostly about one or two topics (non-IID), messages mix topic words with
common words, and about 1% of lines are malformed on purpose (they go to the dead letter).
Deterministic: random.Random(7) (holdout: 11, 1000 clean lines). Run from the repository root.
"""
import json
import random
import sys

HOLDOUT = len(sys.argv) > 1 and sys.argv[1] == "holdout"

TOPICS = {
    0: "match goal team player coach league score season stadium referee striker keeper win draw".split(),
    1: "stock market price shares investor bank rate inflation profit earnings bond trade fund growth".split(),
    2: "rain storm forecast sunny cloud wind temperature snow weather cold warm humid frost breeze".split(),
}
COMMON = "the a today we really new big after before this that very just again week said".split()

rng = random.Random(11 if HOLDOUT else 7)
sources = [f"device-{i}" for i in range(8)]
mix = {s: [rng.random() ** 3 for _ in TOPICS] for s in sources}
lines = []
time = 1_700_000_000_000
for i in range(1000 if HOLDOUT else 6000):
    source = rng.choice(sources)
    weights = mix[source]
    label = rng.choices(list(TOPICS), weights=weights)[0]
    words = [rng.choice(TOPICS[label]) for _ in range(rng.randint(2, 5))]
    words += [rng.choice(COMMON) for _ in range(rng.randint(3, 8))]
    # a little noise: a word from another topic
    if rng.random() < 0.3:
        words.append(rng.choice(TOPICS[rng.choice([t for t in TOPICS if t != label])]))
    rng.shuffle(words)
    time += rng.randint(5, 50)
    record = {"source": source, "time": time, "label": label, "text": " ".join(words).capitalize() + "."}
    line = json.dumps(record)
    if not HOLDOUT and rng.random() < 0.01:
        line = line[: rng.randint(5, len(line) - 2)]  # truncated
    lines.append(line)
with open("data/text-example-holdout.jsonl" if HOLDOUT else "data/text-example.jsonl", "w") as f:
    f.write("\n".join(lines) + "\n")
