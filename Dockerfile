FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
RUN apt-get update && apt-get install -y --no-install-recommends fonts-noto-core postgresql-client \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml ./
COPY . .
# collectstatic signs nothing: a throwaway key lets settings load (DEBUG=false requires SECRET_KEY, from .env at run).
RUN pip install --no-cache-dir -e '.[monitoring]' && SECRET_KEY=build-only python manage.py collectstatic --noinput
RUN useradd --create-home mutuelle && mkdir -p /data/private-media && chown mutuelle /data/private-media
USER mutuelle
EXPOSE 8000
CMD ["sh", "-c", "python manage.py migrate --noinput && gunicorn mutuelle.wsgi:application -c mutuelle/gunicorn_conf.py"]
