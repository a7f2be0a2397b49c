"""Tests in a real browser (Debian's Chromium, headless, driven by Playwright)."""
