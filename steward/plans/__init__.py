"""Operations plans (营运方案): the six-module structure and the plan linter (方案体检).

Everything here is pure: plain dataclasses in, plain dataclasses out, no Django. The plan editor
stores plans and calls :func:`steward.plans.lint.lint_plan` / :func:`steward.plans.lint.lint_text`.
"""
