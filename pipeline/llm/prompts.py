"""Prompts are files: prompts/<name>/system.md (+ optional user.md). A user's directory overrides by name.

Templates use {{variable}}; a variable the caller did not supply raises instead of rendering empty.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import UserError

BUILTIN_DIR = Path(__file__).resolve().parents[2] / "prompts"
VARIABLE = re.compile(r"\{\{\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\}\}")
# phrases in quote marks after "like", "e.g.", "such as" or "(": examples, not instructions ("starts with "How to"")
_PHRASE = r'(?:"[^"\n]{3,80}"|“[^”\n]{3,80}”)'
EXAMPLES = re.compile(rf"(?:\blike|\be\.g\.,?|\bsuch as|\bfor example,?|\()\s*({_PHRASE}(?:\s*(?:,|or)\s*{_PHRASE})*)")


class MissingVariables(UserError):
    """A template names a variable the stage does not provide (usually a typo in a custom prompt)."""


@dataclass(frozen=True)
class Prompt:
    name: str
    system: str
    user: str
    folder: Path

    @property
    def sha256(self) -> str:
        """Hash of the prompt text itself: a code hash cannot see prompt edits, so the cache keys on this."""
        return hashlib.sha256(f"{self.system}\0{self.user}".encode()).hexdigest()

    @property
    def examples(self) -> list[str]:
        """The phrases it gives as examples, in quote marks ("caching data pipelines"): a small model copies an
        example into its answer, so an answer carrying one the talk never says is about the prompt, not the talk."""
        lists = [match.group(1) for match in EXAMPLES.finditer(self.system + self.user)]
        found = [phrase.strip('"“”') for found in lists for phrase in re.findall(_PHRASE, found)]
        return [
            phrase
            for phrase in found
            if "{{" not in phrase
            and "..." not in phrase
            and (len(phrase.split()) >= 2 or len(re.findall(r"[\u4e00-\u9fff]", phrase)) >= 4)
        ]

    def check(self, names: set[str]) -> None:
        """Fail before any work starts when a (custom) template names a variable its stage does not provide."""
        _fill(self.system, dict.fromkeys(names, ""), self.folder / "system.md")
        _fill(self.user, dict.fromkeys(names, ""), self.folder / "user.md")

    def render(self, **variables: str) -> tuple[str, str]:
        return _fill(self.system, variables, self.folder / "system.md"), _fill(
            self.user, variables, self.folder / "user.md"
        )


def _fill(template: str, variables: dict[str, str], where: Path) -> str:
    missing = sorted({name for name in VARIABLE.findall(template) if name not in variables})
    if missing:
        raise MissingVariables(
            f"{where}: unknown template variable(s) {', '.join(missing)}; known: {', '.join(sorted(variables))}"
        )
    return VARIABLE.sub(lambda match: str(variables[match.group(1)]), template)


def load_prompt(name: str, override_dir: str | Path | None = None) -> Prompt:
    """The user's folder wins when it has this prompt; otherwise the built-in one."""
    for root in ([Path(override_dir)] if override_dir else []) + [BUILTIN_DIR]:
        folder = root / name
        system = folder / "system.md"
        if system.is_file():
            user = folder / "user.md"
            return Prompt(
                name=name,
                system=system.read_text(encoding="utf-8"),
                user=user.read_text(encoding="utf-8") if user.is_file() else "{{input}}",
                folder=folder,
            )
    raise UserError(
        f"prompt {name!r} not found in {override_dir or ''} or {BUILTIN_DIR}; restore prompts/{name}/system.md"
    )
