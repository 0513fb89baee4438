"""Case work: the workflow engine (`workflow`), working a case and applying an action exactly
once (`cases`), corrections asked and made (`corrections`), applicant actions
(`applicant_actions`), assignment to an officer (`assignments`), due dates from a state's time
limit (`deadlines`) and the officer's inbox (`inbox`).

Plain Python (the engine over a definition and a snapshot of the case, the rest on a Session),
called by the routes, the JSON API, the worker and scripts; it never imports the web framework,
the templates or the routes (tests/runtime/test_package_rule.py).
"""
