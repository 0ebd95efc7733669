"""The smallest FastAPI app, the serving-throughput baseline: `uvicorn bench.trivial_app:app`."""

from fastapi import FastAPI

app = FastAPI()


@app.get("/ping")
def ping() -> dict[str, bool]:
    return {"ok": True}
