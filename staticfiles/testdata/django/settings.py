# Django settings for regenerating the golden output of collectstatic
# (see regen.sh). Only staticfiles is used.
import os

HERE = os.path.dirname(os.path.abspath(__file__))
SECRET_KEY = "golden"
INSTALLED_APPS = ["django.contrib.staticfiles"]
STATIC_URL = "/static/"
STATICFILES_DIRS = [os.path.join(HERE, "static")]
STATIC_ROOT = os.environ["GOLDEN_OUT"]
STATICFILES_STORAGE = "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"
USE_TZ = True
