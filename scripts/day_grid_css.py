"""Write reminder_app/static/css/day-grid.css, the day view's row, span and lane classes
(`appointments.day_schedule.grid_stylesheet`). Run it after changing ROW_MINUTES, MAX_ROWS or
MAX_LANES; tests/appointments/test_day_schedule.py fails while the file is out of date.

    .venv/bin/python scripts/day_grid_css.py
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from reminder_app.appointments.day_schedule import grid_stylesheet  # noqa: E402

STYLESHEET = ROOT / "reminder_app" / "static" / "css" / "day-grid.css"

if __name__ == "__main__":
    STYLESHEET.write_text(grid_stylesheet())
    print(f"wrote {STYLESHEET.relative_to(ROOT)}")
