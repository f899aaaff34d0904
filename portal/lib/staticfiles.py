"""Static files: WhiteNoise's compressed, hashed storage, minus one rule that breaks collectstatic for us."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


def _without_source_maps(patterns):
    return tuple(
        (extension, tuple(rule for rule in rules if "sourceMappingURL" not in str(rule)))
        for extension, rules in patterns
    )


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    """wagtail-nhsuk-frontend ships minified NHS.UK frontend CSS and JavaScript whose last line names a source map it
    does not ship; Django's manifest storage would then refuse the whole of collectstatic. The comment is left as it
    is (a browser asks for the map only with its developer tools open, and gets a 404)."""

    patterns = _without_source_maps(CompressedManifestStaticFilesStorage.patterns)
