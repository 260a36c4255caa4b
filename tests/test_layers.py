"""One import direction: cli -> library -> publish -> stages on the store -> store -> pure parts.

Read from the source (every `import` of every module, also those inside functions), so a
circle or an upward import fails here before it confuses a newcomer or an import order.
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: Each layer may import its own and lower layers only. A module belongs to the first
#: layer (from the top) with a prefix it starts with; what no prefix names is pure
#: (readers, writers, matching, the tagger, score readers, vocabularies, tables).
LAYERS: list[tuple[str, tuple[str, ...]]] = [
    ("cli", ("tracker.cli", "tracker.__main__")),
    ("library", ("tracker.library",)),
    ("publish", ("tracker.publish",)),
    (
        "stages on the store",
        (
            "tracker.dedupe.store",
            "tracker.dedupe.keys",
            "tracker.tagging.store",
            "tracker.tagging.image",
            "tracker.tagging.changes",
            "tracker.screening.queue",
            "tracker.scores.store",
            "tracker.digest",
        ),
    ),
    ("store", ("tracker.store",)),
    ("pure", ("tracker",)),
]


def _modules() -> dict[str, Path]:
    found = {}
    for path in (ROOT / "tracker").rglob("*.py"):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def _layer(module: str) -> int:
    return next(
        rank
        for rank, (_, prefixes) in enumerate(LAYERS)
        if any(module == p or module.startswith(p + ".") for p in prefixes)
    )


def _imports(module: str, path: Path, known: set[str]) -> set[str]:
    """The tracker modules `module` imports (a name imported from a package that is a
    module of its own counts as that module)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.startswith("tracker"))
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("tracker"):
            for alias in node.names:
                submodule = f"{node.module}.{alias.name}"
                found.add(submodule if submodule in known else node.module)
    return {name for name in found if name in known and name != module}


def test_no_module_imports_a_higher_layer():
    modules = _modules()
    upward = [
        f"{module} ({LAYERS[_layer(module)][0]}) imports {target} ({LAYERS[_layer(target)][0]})"
        for module, path in sorted(modules.items())
        for target in sorted(_imports(module, path, set(modules)))
        if _layer(target) < _layer(module)
    ]
    assert upward == []


def test_no_import_circle_between_modules():
    modules = _modules()
    # a package's __init__ may import its own submodules: that is not a circle to a reader
    graph = {
        module: {t for t in _imports(module, path, set(modules)) if not t.startswith(module + ".")}
        for module, path in modules.items()
    }
    circles = []
    state: dict[str, int] = {}

    def visit(module: str, trail: list[str]) -> None:
        state[module] = 1
        for target in sorted(graph[module]):
            if state.get(target) == 1:
                circles.append(" -> ".join([*trail[trail.index(target) :], target]))
            elif target not in state:
                visit(target, [*trail, target])
        state[module] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    assert circles == []


def test_the_layers_name_real_modules():
    modules = set(_modules())
    for _, prefixes in LAYERS:
        for prefix in prefixes:
            assert any(m == prefix or m.startswith(prefix + ".") for m in modules), prefix
    assert importlib.import_module("tracker.cli")
