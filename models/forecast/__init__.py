"""Call-arrival forecast per queue and 30-minute interval, and the Erlang C staffing plan
from it (docs/design.md "Models"): features -> train -> score; evaluate on held-out weeks.
Import the submodules (models.forecast.score, .evaluate): this package imports nothing
heavy on its own."""
