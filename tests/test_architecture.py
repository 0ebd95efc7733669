"""The folder tree is the architecture: stages in order, data flowing one way, the README telling the truth."""

from __future__ import annotations

import ast
import importlib
import re

from tests.conftest import PROJECT

APP = PROJECT / "app"
# A module may import the core and the stages before its own, never a later one.
STAGES = ["core", "speakers", "topics", "ingest", "search", "web"]
ENTRY_POINTS = {"app.cli", "app.__main__"}  # they start the stages, so they may import any


def _modules() -> dict[str, ast.Module]:
    found = {}
    for path in sorted(APP.rglob("*.py")):
        name = ".".join(("app", *path.relative_to(APP).with_suffix("").parts)).removesuffix(".__init__")
        found[name] = ast.parse(path.read_text(encoding="utf-8"))
    return found


def _stage(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 2 or (len(parts) == 2 and parts[1] in STAGES) else "core"


def _imports(tree: ast.Module) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("app"):
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names if node.module == "app")
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names if alias.name.startswith("app"))
    return names


def test_no_module_imports_from_a_later_stage():
    modules = _modules()
    wrong = [
        f"{module} ({_stage(module)}) imports {imported} ({_stage(imported)})"
        for module, tree in modules.items()
        if module not in ENTRY_POINTS
        for imported in _imports(tree)
        if imported in modules and STAGES.index(_stage(imported)) > STAGES.index(_stage(module))
    ]
    assert not wrong, wrong


def test_the_readme_names_every_module_and_each_one_imports():
    readme = (PROJECT / "README.md").read_text(encoding="utf-8")
    tree = readme.split("## Architecture", 1)[1].split("```", 2)[1]
    listed = {f"app.{folder}{name}".replace("/", ".") for folder, name in _listed_modules(tree)}
    actual = {m for m in _modules() if m.count(".") >= 1 and m.split(".")[-1] not in ("__main__", *STAGES)}
    assert listed == actual, (listed - actual, actual - listed)
    for module in listed:
        importlib.import_module(module)


def _listed_modules(tree: str) -> list[tuple[str, str]]:
    """(folder inside app/, module name) for each `name.py` in the README's tree block."""
    found, folder = [], ""
    for line in tree.splitlines():
        heading = re.match(r"^  (\w+)/", line)
        if heading:
            folder = heading.group(1) + "."
        elif re.match(r"^  \w+\.py", line):
            folder = ""
        found += [(folder, name) for name in re.findall(r"\b(\w+)\.py\b", line)]
    return found
