"""Checks of the screen graph and of every screen's size in every language, plus a Mermaid diagram."""
from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from menus import nav, texts
from menus.dsl import Final, Menu, Pick, Prompt, Screen, head_lines, targets
from menus.engine import MAX_SCREEN, compose_nav
from core.domain.gsm7 import is_gsm7, septets
from menus.registry import Registry

@dataclass(frozen=True, slots=True)
class SampleScreen:
    """A screen rendered with the longest sample values."""

    screen_id: str
    language: str
    text: str

    @property
    def problems(self) -> list[str]:
        """What is wrong with it: too long, or characters outside GSM-7."""
        found = []
        if septets(self.text) > MAX_SCREEN:
            found.append(f"{self.screen_id} [{self.language}]: {septets(self.text)} > {MAX_SCREEN} characters")
        if not is_gsm7(self.text):
            bad = sorted({ch for ch in self.text if not is_gsm7(ch)})
            found.append(f"{self.screen_id} [{self.language}]: outside GSM-7: {''.join(bad)!r}")
        return found


def _say(key: str, language: str) -> str:
    return texts.render(key, language, texts.samples(texts.placeholders_of(texts.CATALOGUES["fr"][key])))


def worst_head(screen: Screen, language: str) -> list[str]:
    """The longest error or notice line the screen may show, as a list of zero or one line."""
    lines = [_say(key, language) for key in head_lines(screen)]
    return [max(lines, key=len)] if lines else []


def sample(screen: Screen, language: str) -> SampleScreen:
    """Render a screen as long as it can get: longest values, a full page, the longest error, full navigation."""
    if isinstance(screen, Final):
        return SampleScreen(screen.id, language, _say(screen.title, language))
    lines = [*worst_head(screen, language), _say(screen.title, language)]
    if isinstance(screen, Menu):
        lines += [f"{o.key} {_say(o.label, language)}" for o in screen.options]
    if isinstance(screen, Pick):
        lines += [f"{i} {_say(screen.item, language)}" for i in range(1, screen.page_size + 1)]
    footer = compose_nav(language, more=isinstance(screen, Pick), back=screen.back, home=screen.back)
    return SampleScreen(screen.id, language, "\n".join(lines + ([footer] if footer else [])))


def budget_problems(registry: Registry) -> list[str]:
    """Every screen in every language: at most 160 GSM-7 characters."""
    return [problem for screen in registry for language in texts.LANGUAGES
            for problem in sample(screen, language).problems]


def catalogue_problems() -> list[str]:
    """Same keys and placeholders in every language; known placeholders; GSM-7 texts."""
    problems = []
    french = texts.CATALOGUES["fr"]
    for language, catalogue in texts.CATALOGUES.items():
        for key in set(french) ^ set(catalogue):
            problems.append(f"{key}: missing in {'fr' if key in catalogue else language}")
        for key, template in catalogue.items():
            names = texts.placeholders_of(template)
            if key in french and names != texts.placeholders_of(french[key]):
                problems.append(f"{key} [{language}]: placeholders differ from French")
            unknown = names - set(texts.PLACEHOLDERS)
            if unknown:
                problems.append(f"{key} [{language}]: unknown placeholders {sorted(unknown)}")
            if not is_gsm7(template.replace("{", "").replace("}", "")):
                problems.append(f"{key} [{language}]: outside GSM-7")
    return problems


def graph_problems(registry: Registry) -> list[str]:
    """Unknown targets, unreachable screens, missing texts, option keys clashing with navigation."""
    problems = []
    for screen in registry:
        for target in targets(screen):
            if target != "*" and target not in registry:
                problems.append(f"{screen.id} -> unknown screen {target}")
        keys = [option.key for option in screen.options] if isinstance(screen, Menu) else []
        for key in keys:
            if key in nav.RESERVED:
                problems.append(f"{screen.id}: option key {key} clashes with navigation")
        if len(keys) != len(set(keys)):
            problems.append(f"{screen.id}: duplicate option keys")
        for key in [*_text_keys(screen), *head_lines(screen)]:
            if key not in texts.CATALOGUES["fr"]:
                problems.append(f"{screen.id}: no text {key}")
    reachable = _reachable(registry)
    problems += [f"{screen.id}: unreachable" for screen in registry if screen.id not in reachable]
    return problems


def _text_keys(screen: Screen) -> list[str]:
    keys = [screen.title]
    if isinstance(screen, Menu):
        keys += [option.label for option in screen.options]
    if isinstance(screen, Pick):
        keys.append(screen.item)
    return keys


def _reachable(registry: Registry) -> set[str]:
    seen = set(registry.roots)
    queue = deque(registry.roots)
    while queue:
        for target in targets(registry[queue.popleft()]):
            if target != "*" and target in registry and target not in seen:
                seen.add(target)
                queue.append(target)
    return seen


def mermaid(registry: Registry) -> str:
    """The journey graph as a Mermaid flowchart."""
    shapes = {Menu: ("[", "]"), Prompt: ("[/", "/]"), Pick: ("[[", "]]"), Final: ("([", "])")}
    lines = ["flowchart TD"]
    for screen in registry:
        left, right = shapes[type(screen)]
        lines.append(f"    {_node(screen.id)}{left}{screen.id}{right}")
    for screen in registry:
        for target in targets(screen):
            if target != "*":
                lines.append(f"    {_node(screen.id)} --> {_node(target)}")
    return "\n".join(lines)


def _node(screen_id: str) -> str:
    return screen_id.replace(".", "_")
