"""The exceptions vpcsim raises on purpose.

Every error names its culprit: a ConfigError says which object and which field
(``r1: route 10.9.0.0/16 via 10.0.5.1: gateway 10.0.5.1 is not on a connected subnet``),
a ParseError quotes the text that did not parse.
"""


class Error(Exception):
    """Base class of every error vpcsim raises on purpose.

    A bulk call (``add_nodes``, ``add_interfaces``, ``set_default_gateways``, ``connect_all``) that
    fails on one of its items raises that item's error with ``index``, its position in the list."""

    index: int  # set only by the bulk calls


class ConfigError(Error, ValueError):
    """A topology or scenario that cannot be built. Has ``object`` and ``field``."""

    object: str = ""
    field: str = ""


class ParseError(Error, ValueError):
    """Text that does not parse as the value asked for. Has ``text``."""

    text: str = ""
