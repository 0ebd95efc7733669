"""Stage 4: the FastAPI app: HTML pages, the JSON API, downloads and error pages."""
