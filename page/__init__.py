"""The page's helpers (HTML/CSS, guard, rate limit, feedback, conversation state); `ui.py` builds the page."""
