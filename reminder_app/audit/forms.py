from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField, SubmitField
from wtforms.validators import DataRequired

from .service import EXPORTS


class ExportForm(FlaskForm):
    what = SelectField("What to export",
                       choices=[SelectChoice(key, label) for key, label in EXPORTS.items()],
                       validators=[DataRequired()])
    submit = SubmitField("Download CSV")
