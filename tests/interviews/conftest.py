"""Interview fixtures live in tests/conftest.py, shared with the assessment tests."""
