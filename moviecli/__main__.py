"""The `moviecli` command and `python -m moviecli`: Ctrl-C handled from the first moment.

The signal handlers go in before the command line's modules are imported (~50 ms): a Ctrl-C
during start-up is then one line too, not a KeyboardInterrupt traceback from an import.
"""

import sys

from moviecli import interrupt


def main() -> None:
    interrupt.install()
    try:
        from moviecli.cli import main as command_line
    except interrupt.Interrupted as e:
        print(f"moviecli: interrupted by {interrupt.name(e.signum)}", file=sys.stderr)
        sys.exit(interrupt.exit_code(e.signum))
    command_line()


if __name__ == "__main__":
    main()
