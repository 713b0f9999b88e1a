"""The Dash app: pages for leaders, statisticians and planners (presents and collects only)."""
