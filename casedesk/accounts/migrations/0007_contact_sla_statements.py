from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0006_contract_bought_here"),
    ]

    operations = [
        migrations.AddField(
            model_name="contact",
            name="sla_statements",
            field=models.BooleanField(
                default=False, help_text="sends the company's monthly SLA statement (the contact's own choice)"
            ),
        ),
    ]
