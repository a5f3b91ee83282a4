from django.urls import reverse


def test_the_language_switch_changes_the_interface(client, owner):
    client.force_login(owner)
    client.post(reverse("set_language"), {"language": "es", "next": "/"})
    assert "Mis proyectos" in client.get("/").content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert "My projects" in client.get("/").content.decode()


def test_spanish_is_the_default_language(client, owner):
    client.force_login(owner)
    assert "Mis proyectos" in client.get("/", HTTP_ACCEPT_LANGUAGE="").content.decode()


def test_the_login_page_is_translated(client):
    client.cookies["django_language"] = "es"
    assert "Iniciar sesión" in client.get(reverse("account_login")).content.decode()
