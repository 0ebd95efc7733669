"""Web: the FastAPI app: HTML pages, the JSON API, downloads and error pages."""
