"""Static files storage: whitenoise's compressed, hashed files once `collectstatic` has run;
the plain names (served from the apps' static folders) until then, instead of a 500 on every
page. `manage.py check --deploy` warns while nothing is collected (interview_kit.W001)."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticStorage(CompressedManifestStaticFilesStorage):
    def stored_name(self, name):
        if not self.hashed_files:  # no manifest: collectstatic has not run
            return name
        return super().stored_name(name)
