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

{{/* The ServiceAccount silo pods run as (the one the RoleBinding names). */}}
{{- define "streamio.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{ .Values.serviceAccount.name | default (include "streamio.fullname" .) }}
{{- else -}}
{{ .Values.serviceAccount.name | default "default" }}
{{- end -}}
{{- end -}}

{{/* Settings a cluster cannot run with fail the render, with the reason, instead of failing the pods. */}}
{{- define "streamio.validate" -}}
{{- if ne (toString .Values.database.kind) "Postgres" }}
{{- fail (printf "database.kind is %q: a cluster needs Postgres (SQLite is the embedded mode's, one process on one disk)" (toString .Values.database.kind)) }}
{{- end }}
{{- if not (has (toString .Values.cluster.clustering) (list "AdoNet" "AzureTable")) }}
{{- fail (printf "cluster.clustering is %q: it must be AdoNet or AzureTable (Localhost clustering is the embedded mode's)" (toString .Values.cluster.clustering)) }}
{{- end }}
{{- range $name, $id := dict "cluster.clusterId" .Values.cluster.clusterId "cluster.serviceId" .Values.cluster.serviceId }}
{{- if not (regexMatch "^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$" (toString $id)) }}
{{- fail (printf "%s is %q: it is also a pod label value (orleans/...), so 1-63 letters, digits, '-', '_' or '.', alphanumeric at both ends" $name (toString $id)) }}
{{- end }}
{{- end }}
{{- if ne (len (uniq (list 8080 (int .Values.cluster.siloPort) (int .Values.cluster.gatewayPort)))) 3 }}
{{- fail "cluster.siloPort, cluster.gatewayPort and the HTTP port 8080 must be three different ports" }}
{{- end }}
{{- include "streamio.validateScaling" . }}
{{- include "streamio.validateLive" . }}
{{- end -}}

{{/* Autoscaling on work and the metrics it reads: settings that cannot work fail the render. */}}
{{- define "streamio.validateScaling" -}}
{{- if and .Values.metrics.enabled (has (int .Values.metrics.port) (list 8080 (int .Values.cluster.siloPort) (int .Values.cluster.gatewayPort))) }}
{{- fail "metrics.port must differ from the HTTP port 8080, cluster.siloPort and cluster.gatewayPort" }}
{{- end }}
{{- if .Values.keda.enabled }}
{{- if not .Values.keda.prometheus.serverAddress }}
{{- fail "keda.enabled needs keda.prometheus.serverAddress: KEDA reads the work waiting from that Prometheus" }}
{{- end }}
{{- if not .Values.metrics.enabled }}
{{- fail "keda.enabled needs metrics.enabled: Prometheus can only give KEDA the work waiting if it scrapes the silos' /metrics" }}
{{- end }}
{{- if lt (int .Values.keda.maxReplicas) (max 1 (int .Values.keda.minReplicas) | int) }}
{{- fail "keda.maxReplicas must be at least keda.minReplicas (and at least 1)" }}
{{- end }}
{{- end }}
{{- end -}}

{{/*
Live ingest: settings that cannot work fail the render. Publishers reach only worker silos, so one must always run:
not with keda.scaleToZero, a fixed silo.replicas of 0, or a CPU autoscaler that may go to 0.
*/}}
{{- define "streamio.validateLive" -}}
{{- if .Values.live.enabled }}
{{- if not (has (toString .Values.live.service.type) (list "LoadBalancer" "NodePort" "ClusterIP")) }}
{{- fail (printf "live.service.type is %q: it must be LoadBalancer, NodePort or ClusterIP" (toString .Values.live.service.type)) }}
{{- end }}
{{- if not (has (toString .Values.live.service.externalTrafficPolicy) (list "Local" "Cluster")) }}
{{- fail (printf "live.service.externalTrafficPolicy is %q: it must be Local or Cluster" (toString .Values.live.service.externalTrafficPolicy)) }}
{{- end }}
{{- $affinity := int .Values.live.service.sessionAffinityTimeoutSeconds }}
{{- if or (lt $affinity 1) (gt $affinity 86400) }}
{{- fail "live.service.sessionAffinityTimeoutSeconds must be 1..86400 (what Kubernetes accepts for ClientIP affinity)" }}
{{- end }}
{{- if has (int .Values.live.rtmp.port) (list 8080 (int .Values.cluster.siloPort) (int .Values.cluster.gatewayPort) (int .Values.metrics.port)) }}
{{- fail "live.rtmp.port must differ from the HTTP port 8080, cluster.siloPort, cluster.gatewayPort and metrics.port (all TCP on the silo pod)" }}
{{- end }}
{{- if and .Values.keda.enabled .Values.keda.scaleToZero }}
{{- fail "live ingest needs a worker silo at all times (with none, nobody listens for RTMP or SRT publishers): set keda.scaleToZero=false (the minimum is then keda.minReplicas, at least 1) or live.enabled=false" }}
{{- end }}
{{- if and (not .Values.keda.enabled) (not .Values.silo.autoscaling.enabled) (not .Values.silo.replicas) }}
{{- fail "live ingest needs a worker silo at all times (with none, nobody listens for RTMP or SRT publishers): set silo.replicas to at least 1 or live.enabled=false" }}
{{- end }}
{{- if and (not .Values.keda.enabled) .Values.silo.autoscaling.enabled (not .Values.silo.autoscaling.minReplicas) }}
{{- fail "live ingest needs a worker silo at all times (with none, nobody listens for RTMP or SRT publishers): set silo.autoscaling.minReplicas to at least 1 or live.enabled=false" }}
{{- end }}
{{- end }}
{{- end -}}

{{/*
Live ingest settings every pod gets, whether it listens or not: the ports (the API builds a stream's rtmpUrl and srtUrl
from them and the public host, so they are the Service's ports too).
*/}}
{{- define "streamio.liveEnv" -}}
- name: Streamio__Live__Rtmp__Port
  value: {{ .Values.live.rtmp.port | quote }}
- name: Streamio__Live__Srt__Port
  value: {{ .Values.live.srt.port | quote }}
{{- with .Values.live.publicHost }}
- name: Streamio__Live__PublicHost
  value: {{ . | quote }}
{{- end }}
{{- end -}}

{{/* Control silos and API nodes never take publishers: the live Service does not select them, so nothing may listen. */}}
{{- define "streamio.liveIngestOff" -}}
- name: Streamio__Live__Rtmp__Enabled
  value: "false"
- name: Streamio__Live__Srt__Enabled
  value: "false"
{{- include "streamio.liveEnv" . | nindent 0 }}
{{- end -}}

{{/*
Environment of every silo, worker or control: its ports and advertised address, and what Orleans' Kubernetes hosting
reads. The silo is named after its pod, advertises the pod IP, and takes its ServiceId and ClusterId from the pod's
orleans/* labels.
*/}}
{{- define "streamio.siloEnv" -}}
- name: Streamio__Cluster__SiloPort
  value: {{ .Values.cluster.siloPort | quote }}
- name: Streamio__Cluster__GatewayPort
  value: {{ .Values.cluster.gatewayPort | quote }}
# Other silos and the API nodes reach this silo at the address it writes in the membership table.
- name: Streamio__Cluster__AdvertisedAddress
  valueFrom:
    fieldRef: { fieldPath: status.podIP }
- name: Streamio__Cluster__Kubernetes
  value: {{ .Values.cluster.kubernetesHosting | quote }}
# What UseKubernetesHosting() reads: the silo is named after its pod, advertises the pod IP, and takes
# its ServiceId and ClusterId from the pod's orleans/* labels.
- name: POD_NAME
  valueFrom:
    fieldRef: { fieldPath: metadata.name }
- name: POD_NAMESPACE
  valueFrom:
    fieldRef: { fieldPath: metadata.namespace }
- name: POD_IP
  valueFrom:
    fieldRef: { fieldPath: status.podIP }
- name: ORLEANS_SERVICE_ID
  valueFrom:
    fieldRef: { fieldPath: "metadata.labels['orleans/serviceId']" }
- name: ORLEANS_CLUSTER_ID
  valueFrom:
    fieldRef: { fieldPath: "metadata.labels['orleans/clusterId']" }
{{- with .Values.cluster.membership.probeTimeoutSeconds }}
- name: Streamio__Cluster__ProbeTimeoutSeconds
  value: {{ . | quote }}
{{- end }}
{{- with .Values.cluster.membership.numMissedProbesLimit }}
- name: Streamio__Cluster__NumMissedProbesLimit
  value: {{ . | quote }}
{{- end }}
{{- with .Values.cluster.membership.numVotesForDeathDeclaration }}
- name: Streamio__Cluster__NumVotesForDeathDeclaration
  value: {{ . | quote }}
{{- end }}
{{- with .Values.cluster.membership.iAmAliveTablePublishSeconds }}
- name: Streamio__Cluster__IAmAliveTablePublishSeconds
  value: {{ . | quote }}
{{- end }}
{{- end -}}

{{/* Pod annotations for Prometheus' usual kubernetes-pods scrape job. */}}
{{- define "streamio.metricsAnnotations" -}}
{{- if .Values.metrics.enabled }}
prometheus.io/scrape: "true"
prometheus.io/port: {{ .Values.metrics.port | quote }}
prometheus.io/path: /metrics
{{- end }}
{{- end -}}

{{/* The container port Streamio serves /metrics on (Streamio:Telemetry:PrometheusPort). */}}
{{- define "streamio.metricsPort" -}}
{{- if .Values.metrics.enabled }}
- name: metrics
  containerPort: {{ .Values.metrics.port }}
{{- end }}
{{- end -}}

{{/*
Environment every role shares: the database, how to reach the Orleans cluster, storage, the playback secret and the
encoding settings. API nodes are Orleans clients: the clustering provider, ClusterId and ServiceId are all they need
to find the silos' gateways (from the membership table).
*/}}
{{- define "streamio.env" -}}
- name: Urls
  value: "http://0.0.0.0:8080"
- name: Streamio__DataPath
  value: /data
- name: Streamio__MaxUploadBytes
  value: {{ .Values.maxUploadBytes | int64 | quote }}
- name: Streamio__Database__Kind
  value: {{ .Values.database.kind | quote }}
- name: Streamio__Database__ConnectionString
  valueFrom:
    secretKeyRef:
      name: {{ .Values.database.existingSecret | default (include "streamio.secretName" .) }}
      key: {{ if .Values.database.existingSecret }}{{ .Values.database.existingSecretKey }}{{ else }}connectionString{{ end }}
- name: Streamio__Cluster__Clustering
  value: {{ .Values.cluster.clustering | quote }}
- name: Streamio__Cluster__ClusterId
  value: {{ .Values.cluster.clusterId | quote }}
- name: Streamio__Cluster__ServiceId
  value: {{ .Values.cluster.serviceId | quote }}
{{- if eq (toString .Values.cluster.clustering) "AzureTable" }}
- name: Streamio__Cluster__AzureTableConnectionString
  valueFrom:
    secretKeyRef:
      name: {{ .Values.cluster.azureTable.existingSecret | default (include "streamio.secretName" .) }}
      key: {{ if .Values.cluster.azureTable.existingSecret }}{{ .Values.cluster.azureTable.existingSecretKey }}{{ else }}azureTableConnectionString{{ end }}
{{- with .Values.cluster.azureTable.tableName }}
- name: Streamio__Cluster__AzureTableName
  value: {{ . | quote }}
{{- end }}
{{- end }}
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
- name: Streamio__Encoding__FirstSegmentSeconds
  value: {{ .Values.encoding.firstSegmentSeconds | quote }}
- name: Streamio__Encoding__SegmentsPerChunk
  value: {{ .Values.encoding.segmentsPerChunk | quote }}
- name: Streamio__Encoding__MaxSegmentsPerChunk
  value: {{ .Values.encoding.maxSegmentsPerChunk | quote }}
- name: Streamio__Encoding__MaxAttempts
  value: {{ .Values.encoding.maxAttempts | quote }}
- name: Streamio__Encoding__KeepSource
  value: {{ .Values.encoding.keepSource | quote }}
- name: Streamio__Encoding__WorkPath
  value: /scratch
- name: Streamio__Ffmpeg__Preset
  value: {{ .Values.encoding.preset | quote }}
{{- if .Values.metrics.enabled }}
- name: Streamio__Telemetry__PrometheusPort
  value: {{ .Values.metrics.port | quote }}
{{- end }}
{{- with .Values.extraEnv }}
{{ toYaml . }}
{{- end }}
{{- end -}}
