FROM python:3.12-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 FILIFORM_VAR_DIR=/app/var
WORKDIR /app
# Pango and a font for WeasyPrint, which draws the signed session note as PDF.
RUN apt-get update && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
RUN useradd --create-home filiform && mkdir -p var && chown filiform var
USER filiform
EXPOSE 8000
