{{/* Names and labels shared by every object of the release. */}}
{{- define "streamio.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "streamio.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "streamio.selector" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "streamio.image" -}}
{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}
{{- end -}}

{{- define "streamio.secretName" -}}
{{ include "streamio.fullname" . }}-secrets
{{- end -}}

{{/* Environment every role shares: the backbone, storage, playback secret and encoding settings. */}}
{{- define "streamio.env" -}}
- name: Urls
  value: "http://0.0.0.0:8080"
- name: Streamio__DataPath
  value: /data
- name: Streamio__MaxUploadBytes
  value: {{ .Values.maxUploadBytes | quote }}
- name: Streamio__Backbone__Kind
  value: Postgres
- name: Streamio__Backbone__ConnectionString
  valueFrom:
    secretKeyRef:
      name: {{ .Values.postgres.existingSecret | default (include "streamio.secretName" .) }}
      key: {{ if .Values.postgres.existingSecret }}{{ .Values.postgres.existingSecretKey }}{{ else }}connectionString{{ end }}
- name: Streamio__Storage__Kind
  value: {{ .Values.storage.kind | quote }}
- name: Streamio__Storage__ServiceUrl
  value: {{ .Values.storage.s3.serviceUrl | quote }}
- name: Streamio__Storage__Bucket
  value: {{ .Values.storage.s3.bucket | quote }}
- name: Streamio__Storage__Region
  value: {{ .Values.storage.s3.region | quote }}
- name: Streamio__Storage__ForcePathStyle
  value: {{ .Values.storage.s3.forcePathStyle | quote }}
- name: Streamio__Storage__KeyPrefix
  value: {{ .Values.storage.s3.keyPrefix | quote }}
- name: Streamio__Storage__CreateBucket
  value: {{ .Values.storage.s3.createBucket | quote }}
- name: Streamio__Storage__AccessKey
  valueFrom:
    secretKeyRef:
      name: {{ .Values.storage.s3.existingSecret | default (include "streamio.secretName" .) }}
      key: accessKey
- name: Streamio__Storage__SecretKey
  valueFrom:
    secretKeyRef:
      name: {{ .Values.storage.s3.existingSecret | default (include "streamio.secretName" .) }}
      key: secretKey
- name: Streamio__Playback__TokenSecret
  valueFrom:
    secretKeyRef:
      name: {{ .Values.playback.existingSecret | default (include "streamio.secretName" .) }}
      key: {{ if .Values.playback.existingSecret }}{{ .Values.playback.existingSecretKey }}{{ else }}tokenSecret{{ end }}
- name: Streamio__Playback__SegmentDelivery
  value: {{ .Values.segmentDelivery | quote }}
- name: Streamio__Auth__AllowAnonymous
  value: "false"
- name: Streamio__Auth__AdminKey
  valueFrom:
    secretKeyRef:
      name: {{ .Values.auth.existingSecret | default (include "streamio.secretName" .) }}
      key: {{ if .Values.auth.existingSecret }}{{ .Values.auth.existingSecretKey }}{{ else }}adminKey{{ end }}
- name: Streamio__Playback__DefaultTtlSeconds
  value: {{ .Values.playback.defaultTtlSeconds | quote }}
- name: Streamio__Encoding__SegmentSeconds
  value: {{ .Values.encoding.segmentSeconds | quote }}
- name: Streamio__Encoding__SegmentsPerChunk
  value: {{ .Values.encoding.segmentsPerChunk | quote }}
- name: Streamio__Encoding__MaxAttempts
  value: {{ .Values.encoding.maxAttempts | quote }}
- name: Streamio__Encoding__KeepSource
  value: {{ .Values.encoding.keepSource | quote }}
- name: Streamio__Encoding__WorkPath
  value: /scratch
- name: Streamio__Ffmpeg__Preset
  value: {{ .Values.encoding.preset | quote }}
- name: Streamio__Silo__LeaseSeconds
  value: {{ .Values.silo.leaseSeconds | quote }}
{{- with .Values.extraEnv }}
{{ toYaml . }}
{{- end }}
{{- end -}}
