from django.urls import path

from payments import audit_views, views

urlpatterns = [
    path("api/payment-log", views.payment_log, name="api-payment-log"),
    path("api/payment-void", views.payment_void, name="api-payment-void"),
    path("audit/", audit_views.audit, name="audit"),
    path("audit.csv", audit_views.audit_csv, name="audit-csv"),
    path("api/payment-notify", views.payment_notify, name="api-payment-notify"),
    path("api/payment-refund", views.payment_refund, name="api-payment-refund"),
]
