"""The import structure the architecture notes promise, checked on every run (``grimp``).

Every import statement counts, function-level and ``TYPE_CHECKING`` ones included: a cycle
hidden inside a function is still a cycle a newcomer has to untangle. The rules are the ones
``docs/architecture.md`` draws: ``documents`` announces, ``search`` listens; engines sit behind
``search.engines.base``; the quality tooling is outside the running site.
"""

from __future__ import annotations

import grimp
import pytest

PACKAGES = ("portal", "documents", "search", "quality")


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph(*PACKAGES, cache_dir=None)


def cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Every group of modules that import each other, directly or round about (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0

    def visit(root: str) -> None:
        nonlocal counter
        work = [(root, iter(sorted(graph.find_modules_directly_imported_by(root))))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            module, targets = work[-1]
            advanced = False
            for target in targets:
                if target not in index:
                    index[target] = low[target] = counter
                    counter += 1
                    stack.append(target)
                    on_stack.add(target)
                    work.append(
                        (target, iter(sorted(graph.find_modules_directly_imported_by(target))))
                    )
                    advanced = True
                    break
                if target in on_stack:
                    low[module] = min(low[module], index[target])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[module])
            if low[module] == index[module]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == module:
                        break
                self_import = module in graph.find_modules_directly_imported_by(module)
                if len(group) > 1 or self_import:
                    found.append(sorted(group))

    for module in sorted(graph.modules):
        if module not in index:
            visit(module)
    return found


def test_no_module_imports_itself_round_about(graph):
    assert cycles(graph) == []


def test_the_cycle_finder_finds_a_cycle():
    """The check above can fail: two modules importing each other are reported."""
    graph = grimp.ImportGraph()
    for module in ("pkg", "pkg.a", "pkg.b", "pkg.c"):
        graph.add_module(module)
    graph.add_import(importer="pkg.a", imported="pkg.b")
    graph.add_import(importer="pkg.b", imported="pkg.a")
    graph.add_import(importer="pkg.c", imported="pkg.a")
    assert cycles(graph) == [["pkg.a", "pkg.b"]]


@pytest.mark.parametrize(
    ("importer", "imported", "why"),
    [
        ("documents", "search", "documents announces changes through its signals; search listens"),
        ("documents", "quality", "the running site never imports the quality tooling"),
        ("search", "quality", "the running site never imports the quality tooling"),
        ("portal", "quality", "the running site never imports the quality tooling"),
        ("search.engines", "search.web", "engines answer queries; they know no views"),
        ("search.engines", "search.indexing", "indexing calls engines, never the reverse"),
        ("search.core", "search.web", "the meaning of a search knows no page"),
        ("search.core", "search.indexing", "reading a search never writes the index"),
        ("search.core", "search.engines.whoosh", "the core depends on the engine contract only"),
        ("search.core", "search.engines.elasticsearch", "the core depends on the contract only"),
        ("search.indexing", "search.engines.whoosh", "indexing depends on the contract only"),
        ("search.indexing", "search.engines.elasticsearch", "indexing: the contract only"),
        ("search.web", "search.engines.whoosh", "pages depend on the contract only"),
        ("search.web", "search.engines.elasticsearch", "pages depend on the contract only"),
        ("search.engines.whoosh", "search.engines.elasticsearch", "engines are independent"),
        ("search.engines.elasticsearch", "search.engines.whoosh", "engines are independent"),
        ("documents.ingest", "documents.models", "parsing needs no database"),
        ("documents.ingest", "search", "parsing knows nothing of search"),
    ],
)
def test_layer_does_not_import(graph, importer, imported, why):
    chain = graph.find_shortest_chain(importer, imported, as_packages=True)
    assert chain is None, f"{importer} must not import {imported} ({why}): {' → '.join(chain)}"


def test_the_engine_contract_is_what_the_core_imports_of_engines(graph):
    engine_modules = {m for m in graph.modules if m.startswith("search.engines")}
    allowed = {"search.engines", "search.engines.base"}
    for package in ("search.core", "search.indexing", "search.web"):
        members = {m for m in graph.modules if m == package or m.startswith(package + ".")}
        used = {
            target
            for module in members
            for target in graph.find_modules_directly_imported_by(module)
            if target in engine_modules
        }
        assert used <= allowed, f"{package} reaches past the contract: {sorted(used - allowed)}"
