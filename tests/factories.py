import factory
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model

from conversations.models import Conversation, Message
from documents.models import Document
from projects.models import ActivityEvent, Invitation, PhaseRun, Project, ProjectMember, Role, Sector

TEST_PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    username = factory.LazyAttribute(lambda o: o.email)
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def verified(obj, create, extracted, **kwargs):  # noqa: N805
        if not create:
            return
        obj.save()
        if extracted is not False:
            EmailAddress.objects.get_or_create(
                user=obj, email=obj.email, defaults={"verified": True, "primary": True}
            )


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project

    owner = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"Project {n}")
    client = factory.Sequence(lambda n: f"Client {n}")
    sector = Sector.INDUSTRIAL
    subsector = "dairy"
    country = "MX"
    city = "Monterrey"


class ProjectMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProjectMember

    project = factory.SubFactory(ProjectFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.VIEWER


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation

    project = factory.SubFactory(ProjectFactory)
    email = factory.Sequence(lambda n: f"invitee{n}@example.com")
    role = Role.ENGINEER
    invited_by = factory.LazyAttribute(lambda o: o.project.owner)


class PhaseRunFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PhaseRun

    project = factory.SubFactory(ProjectFactory)
    phase = "proposal"


class ActivityEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActivityEvent

    project = factory.SubFactory(ProjectFactory)
    verb = "project.created"
    description = "created the project"


class ConversationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Conversation

    project = factory.SubFactory(ProjectFactory)
    phase = "proposal"


class MessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Message

    conversation = factory.SubFactory(ConversationFactory)
    role = Message.Role.USER
    content = "Hello"


class DocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Document

    project = factory.SubFactory(ProjectFactory)
    phase = "proposal"
    kind = Document.Kind.PROPOSAL
    title = factory.Sequence(lambda n: f"Document {n}")
    file = factory.django.FileField(filename="proposal.pdf", data=b"%PDF-1.4 test")
    size = 13
    mime_type = "application/pdf"
