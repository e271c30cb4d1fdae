from django.contrib import admin

from steward.engagements.models import EngagementTemplate


@admin.register(EngagementTemplate)
class EngagementTemplateAdmin(admin.ModelAdmin[EngagementTemplate]):
    """Platform admins keep the default template; an agency's copy is edited here too.

    ``clean()`` validates every item (errors name the item and field) before anything is saved.
    """

    list_display = ("name", "agency", "updated_at")
    list_filter = ("agency",)
