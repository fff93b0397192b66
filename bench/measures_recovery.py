"""The measures recovered against the simulation's truth (docs/measures.md's table).

Pure (numpy, no database): for seeds 0..N-1 of the issue's organisation (300 candidates, 12
interviewers, 60 questions, 30% of interviews co-scored; 5 questions planted non-discriminating,
5 mis-tagged, 3 over time), measure the simulated sheets and compare with the generating truth:

- the correlation of estimated with true interviewer leniency,
- alpha against the model's true alpha, and whether the 95% interval covers it,
- precision and recall of the flags on the planted questions.

    .venv/bin/python bench/measures_recovery.py            # 40 seeds
    .venv/bin/python bench/measures_recovery.py --seeds 10
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from interviews import measures  # noqa: E402
from interviews.simulation import Settings, simulate, true_alpha  # noqa: E402

FLAGS = {
    "non_discriminating": (measures.FLAG_NO_DISCRIMINATION,),
    "mis_tagged": (measures.FLAG_TOO_EASY, measures.FLAG_TOO_HARD),
    "over_time": (measures.FLAG_OVER_TIME,),
}


def one(seed: int) -> dict:
    sim = simulate(Settings(candidates=300, interviewers=12), seed)
    result = measures.measure(sim.ratings, sim.hires, seed=seed)
    truth = sim.truth
    shown = [x for x in result.leniency if x.estimate is not None]
    corr = float(
        np.corrcoef([x.estimate for x in shown], [truth.leniency[x.interviewer_id] for x in shown])[
            0, 1
        ]
    )
    alpha = result.agreement.overall
    true = true_alpha(truth)
    row = {
        "leniency_corr": corr,
        "alpha": alpha.value,
        "true_alpha": true,
        "covered": alpha.interval.covers(true),
        "half_width": (alpha.interval.high - alpha.interval.low) / 2,
    }
    for name, flags in FLAGS.items():
        flagged = {q.question_id for q in result.questions if set(flags) & set(q.flags)}
        planted = getattr(truth, name)
        hits = len(flagged & planted)
        row[f"{name}_precision"] = hits / len(flagged) if flagged else 0.0
        row[f"{name}_recall"] = hits / len(planted)
        row[f"{name}_tp_fp_fn"] = (hits, len(flagged - planted), len(planted - flagged))
    return row


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, default=40)
    seeds = parser.parse_args().seeds
    start = time.perf_counter()
    rows = [one(seed) for seed in range(seeds)]
    print(f"{seeds} seeds (0..{seeds - 1}), N=300 candidates, M=12 interviewers, 60 questions;")
    print(f"{time.perf_counter() - start:.0f} s\n")
    print("| measure | goal | mean over the seeds | worst seed | pooled |")
    print("| --- | --- | --- | --- | --- |")
    corr = [r["leniency_corr"] for r in rows]
    print(
        f"| leniency: correlation with the true leniency | >= 0.90 | {statistics.mean(corr):.3f}"
        f" | {min(corr):.3f} | |"
    )
    gap = [abs(r["alpha"] - r["true_alpha"]) for r in rows]
    print(
        f"| alpha: distance to the model's true alpha | | {statistics.mean(gap):.3f} | "
        f"{max(gap):.3f} | true alpha {statistics.mean(r['true_alpha'] for r in rows):.3f} |"
    )
    covered = sum(r["covered"] for r in rows)
    half = statistics.mean(r["half_width"] for r in rows)
    print(
        f"| alpha: 95% interval covers the true alpha | >= 90% of the runs | "
        f"{covered}/{seeds} ({covered / seeds:.0%}) | | mean half-width {half:.3f} |"
    )
    for name in FLAGS:
        p = [r[f"{name}_precision"] for r in rows]
        rc = [r[f"{name}_recall"] for r in rows]
        tp = sum(r[f"{name}_tp_fp_fn"][0] for r in rows)
        fp = sum(r[f"{name}_tp_fp_fn"][1] for r in rows)
        fn = sum(r[f"{name}_tp_fp_fn"][2] for r in rows)
        label = name.replace("_", "-")
        print(
            f"| flags, {label}: precision | >= 0.8 | {statistics.mean(p):.3f} | {min(p):.3f} | "
            f"{tp / (tp + fp):.3f} ({tp} of {tp + fp} flagged) |"
        )
        print(
            f"| flags, {label}: recall | >= 0.8 | {statistics.mean(rc):.3f} | {min(rc):.3f} | "
            f"{tp / (tp + fn):.3f} ({tp} of {tp + fn} planted) |"
        )


if __name__ == "__main__":
    main()
