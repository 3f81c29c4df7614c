"""The cluster's own details for the header, footer and home page.

A tag rather than a context processor: the error pages (400, 500) are rendered without a request
context, and their footer must still carry the address and the contact e-mail."""

from django import template
from django.conf import settings

register = template.Library()

# The same in both languages but for the city, which members.display names in English.
CLUSTER_STREET = "Șos. Pantelimon nr. 6-8"
CLUSTER_CITY = "București"


@register.simple_tag
def cluster_contact_email():
    return settings.CLUSTER_CONTACT_EMAIL


@register.inclusion_tag("_cluster_address.html")
def cluster_address():
    return {"street": CLUSTER_STREET, "city": CLUSTER_CITY, "email": settings.CLUSTER_CONTACT_EMAIL}
