"""Display text of data strings (tokens, labels): shared by the figure functions and the plan."""

from __future__ import annotations


def visible_token(token: str) -> str:
    """A token with its whitespace made visible (space → ␣ at the edges, newline → ↵, tab → ⇥)."""
    s = str(token)
    s = s.replace("\r\n", "↵").replace("\n", "↵").replace("\r", "↵").replace("\t", "⇥")  # glyphs every font has
    if s == "":
        return "∅"
    if s.strip() == "":
        return "␣" * len(s)
    if s[0] == " ":
        s = "␣" + s[1:]
    if s[-1] == " ":
        s = s[:-1] + "␣"
    return s
