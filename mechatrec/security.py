"""Who is asking: the client address that login throttling counts failures against."""

import ipaddress

from django.conf import settings


def client_ip(request):
    """The client's address as seen by the first trusted proxy, or the TCP peer without a proxy.

    nginx appends the address it saw to X-Forwarded-For (`$proxy_add_x_forwarded_for`), so only
    the right-most TRUSTED_PROXY_COUNT entries were written by proxies we run; anything to their
    left came from the client and may be forged. Counting from the right means a client who sends
    `X-Forwarded-For: 1.2.3.4` cannot pick a fresh address to escape a lockout.
    """
    peer = request.META.get("REMOTE_ADDR", "")
    if not settings.BEHIND_PROXY:
        return peer
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    if len(hops) < settings.TRUSTED_PROXY_COUNT:
        # The proxy always appends one entry; fewer means the request bypassed it.
        return peer
    try:  # a proxy writes a bare address; "garbage", "1.2.3.4:5678" or "300.1.1.1" came from elsewhere
        return str(ipaddress.ip_address(hops[-settings.TRUSTED_PROXY_COUNT]))
    except ValueError:
        return peer
