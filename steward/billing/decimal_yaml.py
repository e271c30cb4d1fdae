"""YAML for contracts and figures: numbers become `Decimal` from the text as written.

PyYAML would turn ``612400.05`` into a binary float (612400.05000000005…) before any code could
see the digits, and it reads ``18:00`` as the sexagesimal integer 1080. Here a number is kept as
the exact decimal the person wrote, and anything with a colon stays text.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

import yaml


class DecimalSafeLoader(yaml.SafeLoader):
    """SafeLoader whose floats are `Decimal`, which never reads base-60 numbers, and which
    refuses a key written twice (PyYAML would silently keep the last `rate:` of a clause)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[object, object]:
        seen: set[object] = set()
        for key_node, _value_node in node.value:
            key = self.construct_object(key_node, deep=deep)
            if not isinstance(key, (str, int)):
                continue
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"the key {key!r} is written twice", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def _construct_decimal(loader: yaml.SafeLoader, node: yaml.Node) -> object:
    text = str(loader.construct_scalar(node))  # type: ignore[arg-type]
    if ":" in text:
        return text
    cleaned = text.replace("_", "").lower()
    special = {".inf": "Infinity", "+.inf": "Infinity", "-.inf": "-Infinity", ".nan": "NaN"}
    try:
        return Decimal(special.get(cleaned, cleaned))
    except InvalidOperation:
        return text


def _construct_int(loader: yaml.SafeLoader, node: yaml.Node) -> object:
    text = str(loader.construct_scalar(node))  # type: ignore[arg-type]
    if ":" in text:
        return text
    return yaml.SafeLoader.construct_yaml_int(loader, node)  # type: ignore[arg-type]


DecimalSafeLoader.add_constructor("tag:yaml.org,2002:float", _construct_decimal)
DecimalSafeLoader.add_constructor("tag:yaml.org,2002:int", _construct_int)


class YamlSyntaxError(ValueError):
    """The text is not YAML at all; the message gives the line and column."""


def load_yaml(text: str) -> object:
    try:
        return yaml.load(text, Loader=DecimalSafeLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        problem = getattr(error, "problem", None) or str(error)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark is not None else ""
        raise YamlSyntaxError(f"not valid YAML: {where}{problem}") from None
