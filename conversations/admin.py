from django.contrib import admin

from .models import Conversation, Message


class MessageInline(admin.TabularInline):
    model = Message
    extra = 0
    fields = ["role", "content", "created"]
    readonly_fields = ["created"]


@admin.register(Conversation)
class ConversationAdmin(admin.ModelAdmin):
    list_display = ["__str__", "project", "phase", "owner", "updated"]
    list_filter = ["phase"]
    search_fields = ["project__name", "owner__email"]
    raw_id_fields = ["project", "owner"]
    list_select_related = ["project", "owner"]
    inlines = [MessageInline]


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ["conversation", "role", "content", "created"]
    list_filter = ["role"]
    search_fields = ["content", "conversation__project__name"]
    raw_id_fields = ["conversation"]
    list_select_related = ["conversation", "conversation__project"]
