"""Interview views, one module per area of the product: home (dashboard, candidates),
compose (drafts and kits), live (scoring and submission), scorecard (scorecard, amend,
exports, debrief)."""
