"""The API's documentation page: Swagger UI from our own static files (ninja bundles them), no CDN.

ninja's own page has no `lang`, no heading and nothing without JavaScript; ours has all three and
is otherwise the same (the settings go in a JSON script element, which the CSP allows because it
is data, not code; swagger-ui-init.js reads them).
"""

import json

from django.shortcuts import render
from ninja.openapi.docs import Swagger


class Docs(Swagger):
    def render_page(self, request, api, **kwargs):
        self.settings["url"] = self.get_openapi_url(api, kwargs)
        context = {
            "swagger_settings": json.dumps(self.settings),
            "api": api,
            "openapi_url": self.settings["url"],
        }
        return render(request, "api/docs.html", context)
