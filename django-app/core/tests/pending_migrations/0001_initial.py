"""A migration that is never applied: lets a test see /readyz with migrations pending."""

from django.db import migrations


class Migration(migrations.Migration):
    operations = []
