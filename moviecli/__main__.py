"""The `moviecli` command and `python -m moviecli`: Ctrl-C handled from the first moment.

The signal handlers go in before the command line's modules are imported (~50 ms): a Ctrl-C
during start-up, or while typer builds the commands (before the CLI's error edge), is then one
line too, not a KeyboardInterrupt traceback.
"""

import signal
import sys

from moviecli import interrupt


def main() -> None:
    interrupt.install()
    try:
        from moviecli.cli import main as command_line

        command_line()
    except KeyboardInterrupt:
        signum = interrupt.received() or signal.SIGINT
        print(f"moviecli: {interrupt.describe(signum)}", file=sys.stderr)
        sys.exit(interrupt.exit_code(signum))


if __name__ == "__main__":
    main()
