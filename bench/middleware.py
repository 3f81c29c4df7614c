"""Counts the SQL queries a request runs and reports them in the `X-Bench-Queries` header."""

import contextlib

from django.db import connections

QUERY_HEADER = "X-Bench-Queries"


def count_queries(get_response):
    def middleware(request):
        counter = _Counter()
        with contextlib.ExitStack() as stack:
            for connection in connections.all():
                stack.enter_context(connection.execute_wrapper(counter))
            response = get_response(request)
        # A streamed response (the CSV export) runs more queries while it is sent; the header
        # can only report those that ran before the first byte.
        response[QUERY_HEADER] = str(counter.count)
        return response

    return middleware


class _Counter:
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)
