"""casedesk/sla imports nothing from Django or the rest of casedesk (README: "imports nothing from Django")."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import casedesk.sla

SLA_DIR = Path(casedesk.sla.__file__).resolve().parent
MODULES = sorted("casedesk.sla" if p.name == "__init__.py" else f"casedesk.sla.{p.stem}" for p in SLA_DIR.glob("*.py"))


def test_every_module_is_found() -> None:
    assert "casedesk.sla.clock" in MODULES
    assert "casedesk.sla.policy_schema" in MODULES
    assert len(MODULES) >= 10


def test_importing_every_module_in_a_fresh_interpreter_loads_no_django() -> None:
    code = (
        "import importlib, sys\n"
        f"for name in {MODULES!r}:\n"
        "    importlib.import_module(name)\n"
        "loaded = sorted(m for m in sys.modules if m == 'django' or m.startswith('django.'))\n"
        "others = sorted(m for m in sys.modules if m.startswith('casedesk.') and not m.startswith('casedesk.sla'))\n"
        "print(loaded, others)\n"
        "sys.exit(1 if loaded or others else 0)\n"
    )
    env = {"PATH": "/usr/bin:/bin"}  # no DJANGO_SETTINGS_MODULE or anything else from the test run
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, env=env)
    assert r.returncode == 0, r.stdout + r.stderr


def _imports(path: Path) -> list[str]:
    names = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: inside casedesk.sla unless it climbs out
                names.append("casedesk." + (node.module or "") if node.level > 1 else "casedesk.sla")
            elif node.module:
                names.append(node.module)
    return names


def test_sources_import_neither_django_nor_other_casedesk_packages() -> None:
    offenders = []
    for path in sorted(SLA_DIR.glob("*.py")):
        for name in _imports(path):
            top = name.split(".")[0]
            if top == "django" or (
                top == "casedesk" and name != "casedesk.sla" and not name.startswith("casedesk.sla.")
            ):
                offenders.append(f"{path.name}: {name}")
    assert offenders == []
