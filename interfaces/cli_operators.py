"""`sohoa operator add NAME`: make the settings entry that lets an operator log in to the
review page (`sohoa api`, /review).

The password is asked twice at the terminal (never an option: it would stay in the shell's
history) and only its hash is printed, as a TOML table for the file SOHOA_CONFIG_FILE names.
sohoa does not edit the settings itself: they may live in a file, the environment or secrets.
"""

from __future__ import annotations

from typing import Annotated

import typer

from interfaces.boundary import exits_on_failure
from office.operators import hash_password

operator_app = typer.Typer(help="Operators who log in to the review page.",
                           no_args_is_help=True)


@operator_app.command("add")
def add_operator(
    name: Annotated[str, typer.Argument(help="the name the audit trail will show")],
) -> None:
    """Ask for a password and print the settings entry for this operator."""
    name = " ".join(name.split())
    password = typer.prompt(f"Password for {name}", hide_input=True,
                            confirmation_prompt=True, err=True)  # stdout: the entry only
    with exits_on_failure("add the operator"):
        encoded = hash_password(password)
    typer.echo(operator_entry(name, encoded))
    typer.echo("# add this to the file SOHOA_CONFIG_FILE names, then restart `sohoa api`",
               err=True)


def operator_entry(name: str, encoded: str) -> str:
    """The TOML table that configures one operator."""
    quoted = name.replace("\\", "\\\\").replace('"', '\\"')
    return f'[[operators]]\nname = "{quoted}"\npassword_hash = "{encoded}"'
