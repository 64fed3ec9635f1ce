"""Browser tests: the board and GraphiQL in headless Chromium."""
