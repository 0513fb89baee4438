"""Reports: an agency's per-service figures and the exports of a service's cases (`reports`),
and the figures of big services worked out by the worker and kept in a shared table
(`report_figures`). Plain Python on a Session; the routes in `runtime.routes.reports` only
check access and send the result.
"""
