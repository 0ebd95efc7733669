"""Every setting is documented in the README's configuration table (as Datasette's test_docs does)."""

from __future__ import annotations

from app import config
from tests.conftest import PROJECT


def test_every_setting_is_in_the_readme():
    readme = (PROJECT / "README.md").read_text(encoding="utf-8")
    table = readme.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    missing = [setting.env for setting in config.SETTINGS if f"`{setting.env}`" not in table]
    assert not missing, f"add these settings to the README's configuration table: {missing}"
    assert len(config.SETTINGS) >= 15
