"""The WSGI application as `make audit` and `make screenshots` serve it: production settings,
plus the uploaded logos, which in production the web server (nginx) serves from MEDIA_ROOT."""

from django.conf import settings
from whitenoise import WhiteNoise

from mechatrec.wsgi import application as django_application

# autorefresh: logo thumbnails are generated on first request, after this process started.
application = WhiteNoise(django_application, autorefresh=True)
application.add_files(str(settings.MEDIA_ROOT), prefix=settings.MEDIA_URL)
