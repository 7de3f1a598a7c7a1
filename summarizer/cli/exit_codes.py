"""Exit codes of the ``summarizer`` command (also listed in ``summarizer --help`` and docs/cli.md).

0  success
1  checked, and it failed: ``verify`` found a bad citation, ``eval`` a failed case
2  usage, input or configuration error: fix the command, the files or the settings
3  the model service is unavailable: endpoint unreachable or overloaded after retries, or the
   local model missing or not starting; the same command may work later
4  the run failed otherwise (unusable model replies, a cache that cannot be written...)
130 interrupted (Ctrl-C)
"""

from __future__ import annotations

from ..errors import ConfigError, EvalError, InputError, LLMAuthError, LLMUnavailable, LocalModelError

OK, CHECK_FAILED, USAGE, UNAVAILABLE, FAILED, INTERRUPTED = 0, 1, 2, 3, 4, 130

HELP = """exit codes:
  0    success
  1    verify or eval found a problem
  2    usage, input or configuration error
  3    model service unavailable (endpoint unreachable, local model not starting)
  4    the run failed otherwise (unusable model replies, cache not writable...)
  130  interrupted
"""


def exit_code_for(exc: BaseException) -> int:
    if isinstance(exc, KeyboardInterrupt):
        return INTERRUPTED
    if isinstance(exc, (LLMUnavailable, LocalModelError)):
        return UNAVAILABLE
    if isinstance(exc, (InputError, ConfigError, LLMAuthError, EvalError)):
        # A wrong API key is a setting to fix, like a wrong path; eval's errors are about the
        # files and folders it was given (suites, baseline, report and cache folders).
        return USAGE
    return FAILED
